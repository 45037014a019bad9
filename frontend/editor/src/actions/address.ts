// The address bar names the open saved workflow (`/?workflow=3`), or none (`/`).

export function setAddress(id: number | null): void {
  const url = id === null ? "/" : `/?workflow=${id}`;
  if (window.location.pathname + window.location.search !== url) window.history.pushState(null, "", url);
}
