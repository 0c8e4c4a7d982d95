// The public landing page is the same for every visitor, so it is built once into static HTML
// that a CDN can cache. It needs no JavaScript: no client-side router, no hydration, nothing to
// download but HTML, CSS and images. Links from it are ordinary page loads, so the dashboard
// pages they lead to get their live status from the server as usual.
export const prerender = true;
export const csr = false;
