/** A real varnishd running docker/varnish.vcl: scripts/varnish.ts, shared with bench/varnish.mjs. */
export { startVarnish, requireVarnishd, vclFor, VCL_FILE, type Varnish } from '../../scripts/varnish';
export { freePort } from '../../scripts/free-port';
