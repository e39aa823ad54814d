//! Who is at the other end of a request: the socket's peer, or behind a trusted reverse proxy
//! the client it names in `X-Forwarded-For`. Throttling and per-client limits key on it.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};

/// The client's address: the peer, unless the peer is one of `trusted` (proxies set by
/// `SCORECARD_TRUSTED_PROXIES`), when it is the right-most `X-Forwarded-For` entry that is not
/// itself a trusted proxy. Entries a client wrote itself (to the left) are never believed.
pub fn address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .map(|entry| entry.parse::<IpAddr>().ok())
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .unwrap_or(peer),
    )
}

/// The client's address of a request, as [`address`] decides it.
pub fn of<B>(request: &Request<B>, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    address(peer, request.headers(), trusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    #[test]
    fn the_forwarded_address_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        let other: IpAddr = "198.51.100.1".parse().unwrap();
        // Straight from a client: its own address, whatever it writes.
        assert_eq!(
            address(Some(other), &headers("203.0.113.9"), &[proxy]),
            Some(other)
        );
        // Through the proxy: the entry the proxy added (the right-most untrusted one).
        assert_eq!(
            address(Some(proxy), &headers("1.2.3.4, 203.0.113.9"), &[proxy]),
            Some(client)
        );
        // Two proxies in a row.
        let second: IpAddr = "10.0.0.3".parse().unwrap();
        assert_eq!(
            address(
                Some(proxy),
                &headers("203.0.113.9, 10.0.0.3"),
                &[proxy, second]
            ),
            Some(client)
        );
        // A mangled header: the proxy itself.
        assert_eq!(
            address(Some(proxy), &headers("not an address"), &[proxy]),
            Some(proxy)
        );
        assert_eq!(address(None, &HeaderMap::new(), &[proxy]), None);
    }
}
