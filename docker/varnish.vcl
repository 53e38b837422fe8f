vcl 4.1;
# Varnish 7 in front of Khabar (docs/http-and-caching.md, "An HTTP cache in front"), with the xkey module of
# varnish-modules (Debian: apt-get install varnish varnish-modules).
#
# What it keeps: anonymous GET/HEAD reads Khabar marks `public` (GraphQL queries, plain and persisted, article and
# list pages, sitemaps, feeds, picture renditions), for Khabar's own max-age, indexed by the `xkey` header of tags
# Khabar sends. What it never keeps: requests with Authorization (or an editor's cookie), POSTs and mutations,
# anything `private`/`no-store`. WebSocket upgrades (graphql-ws on /graphql) are piped through. Khabar purges with
# `PURGE` and an `xkey-purge` header of tags (VARNISH_PURGE_URLS), accepted only from the `purgers` ACL.

import std;
import xkey;

# The one backend: Khabar, or the load balancer in front of its instances. A deployment changes .host and .port only.
backend khabar {
  .host = "127.0.0.1";
  .port = "4000";
  .connect_timeout = 2s;
  .first_byte_timeout = 60s;
  .between_bytes_timeout = 60s;
}

# Who may purge: Khabar's instances. Loopback, and the private ranges a compose or Kubernetes network uses;
# narrow it to your instances' addresses in production.
acl purgers {
  "localhost";
  "127.0.0.1";
  "::1";
  "10.0.0.0"/8;
  "172.16.0.0"/12;
  "192.168.0.0"/16;
}

sub vcl_recv {
  if (req.method == "PURGE") {
    if (client.ip !~ purgers) {
      return (synth(403, "Purging is not allowed from " + client.ip));
    }
    if (!req.http.xkey-purge) {
      return (synth(400, "PURGE needs an xkey-purge header of tags"));
    }
    # Hard purge: the objects go at once, so the next read fetches the change (no stale copy is served).
    set req.http.x-purged = xkey.purge(req.http.xkey-purge);
    return (synth(200, "Purged " + req.http.x-purged));
  }

  # Live subscriptions (graphql-ws) and any other upgrade: a tunnel to Khabar, never cached.
  if (req.http.upgrade ~ "(?i)websocket") {
    return (pipe);
  }

  # Writes (mutations are POSTs, uploads too) and anything unusual go straight through.
  if (req.method != "GET" && req.method != "HEAD") {
    return (pass);
  }

  # An editor's read is theirs alone: drafts, embargoed and private fields.
  if (req.http.authorization) {
    return (pass);
  }
  # Khabar reads no cookie; an editor's session cookie (should a front-end set one) means an editor as well.
  if (req.http.cookie ~ "(^|;\s*)(khabar_token|khabar_session)=") {
    return (pass);
  }
  # Other cookies (analytics) change nothing Khabar answers: dropped, so that readers share the cached copies.
  unset req.http.cookie;

  # A GraphQL GET that is a mutation is refused by Khabar (405) and never cached; nothing to do here.
  return (hash);
}

sub vcl_pipe {
  # The upgrade headers go to Khabar with the tunnel.
  if (req.http.upgrade) {
    set bereq.http.upgrade = req.http.upgrade;
    set bereq.http.connection = req.http.connection;
  }
}

sub vcl_backend_response {
  # Khabar decides: `public, max-age=N` is kept N seconds, `private, no-store` never (the built-in rules see to it,
  # as to responses that set a cookie). A short grace serves the expired copy once while one request refetches it
  # (a story's page under a crowd); purges are hard, so grace never shows a purged copy.
  if (beresp.http.cache-control ~ "public") {
    set beresp.grace = 10s;
  }
  # Khabar's own cache headers say nothing useful to a client behind Varnish.
  unset beresp.http.x-khabar-cache;
}

sub vcl_deliver {
  # Whether this answer came from Varnish's store (Age says for how long it has been there).
  if (obj.hits > 0) {
    set resp.http.x-cache = "HIT";
  } else {
    set resp.http.x-cache = "MISS";
  }
  # The tags are for caches in front, not for readers.
  unset resp.http.xkey;
  unset resp.http.surrogate-key;
  unset resp.http.cache-tag;
}

sub vcl_synth {
  if (req.method == "PURGE") {
    set resp.http.content-type = "text/plain; charset=utf-8";
    set resp.body = resp.reason + {"
"};
    return (deliver);
  }
}
