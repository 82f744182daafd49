vcl 4.1;
# The test fixture's Varnish (Infrastructure/VarnishServer.cs): a cache in front of one test node. BACKEND_PORT is
# replaced by the node's Kestrel port. The same rules as the sample in docs/operations.md: PURGE and BAN only from
# the origin's address, and only what the origin marks public is cached, for as long as it says.

backend origin {
    .host = "127.0.0.1";
    .port = "BACKEND_PORT";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) { return (synth(405, "PURGE not allowed from " + client.ip)); }
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) { return (synth(405, "BAN not allowed from " + client.ip)); }
        if (req.http.X-Ban-Tag !~ "^[a-z0-9-]+$") { return (synth(400, "X-Ban-Tag must be one surrogate key")); }
        ban("obj.http.Surrogate-Key ~ (^|\s)" + req.http.X-Ban-Tag + "(\s|$)");
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") { return (pass); }
    if (req.http.Cookie || req.http.Authorization) { return (pass); }
    return (hash);
}

sub vcl_backend_response {
    # Honour the origin: only "public" responses without a cookie are kept (TTL from max-age / s-maxage, as built in).
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "public" || beresp.http.Cache-Control ~ "private|no-store") {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) { set resp.http.X-Cache = "HIT"; } else { set resp.http.X-Cache = "MISS"; }
}
