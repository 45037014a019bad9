"""The registry lifecycle API: compatibility policies, diffs, usages, upgrades, audit."""
