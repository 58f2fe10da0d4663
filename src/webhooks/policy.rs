//! Where webhooks may deliver: `http`/`https` URLs whose addresses are public, unless an
//! allow-list (`CR_WEBHOOK_ALLOW_NETWORKS`) lets a private network in. The address is checked
//! when a webhook is saved and again at every delivery, on the address actually connected to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, LazyLock};

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Networks a webhook may reach although they are not public.
#[derive(Debug, Clone, Default)]
pub struct AllowList(pub Vec<IpNet>);

impl AllowList {
    /// Whether `ip` may be delivered to.
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip)) || is_public(ip)
    }
}

/// Special-purpose ranges (IANA's IPv4 and IPv6 registries) a webhook may not reach unless allowed:
/// this host, private, shared, loopback, link-local, protocol assignments, documentation,
/// benchmarking, multicast and reserved; unique-local, site-local, Teredo and local-use NAT64.
const NOT_PUBLIC: [&str; 24] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "100::/64",
    "64:ff9b:1::/48",
    "2001::/32",
    "2001:db8::/32",
    "fc00::/7",
    "fe80::/10",
    "fec0::/10",
    "ff00::/8",
];

static NOT_PUBLIC_NETS: LazyLock<Vec<IpNet>> =
    LazyLock::new(|| NOT_PUBLIC.iter().map(|net| net.parse().expect("a CIDR")).collect());

/// The IPv4 address an IPv6 address carries: mapped (`::ffff:a.b.c.d`), compatible
/// (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`).
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    let last = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] | [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last),
        [0x2002, a, b, ..] => Some(Ipv4Addr::new((a >> 8) as u8, a as u8, (b >> 8) as u8, b as u8)),
        _ => None,
    }
}

/// Outside every special-purpose range, and so is any IPv4 address it carries.
fn is_public(ip: IpAddr) -> bool {
    if NOT_PUBLIC_NETS.iter().any(|net| net.contains(&ip)) {
        return false;
    }
    match ip {
        IpAddr::V6(v6) => embedded_v4(v6).is_none_or(|v4| is_public(IpAddr::V4(v4))),
        IpAddr::V4(_) => true,
    }
}

/// The URL parsed, or why it cannot be delivered to.
pub fn check_url(text: &str, allow: &AllowList) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("only http and https URLs are delivered to".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("credentials in the URL are not accepted".to_owned());
    }
    if url.fragment().is_some() {
        return Err("a fragment is not sent to a server".to_owned());
    }
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(Host::Domain(name)) if name.eq_ignore_ascii_case("localhost") || name.ends_with(".localhost") => {
            Some(IpAddr::from([127, 0, 0, 1]))
        }
        Some(Host::Domain(_)) => None,
        None => return Err("the URL has no host".to_owned()),
    };
    match ip {
        Some(ip) if !allow.permits(ip) => {
            Err(format!("{ip} is a loopback, private or link-local address (not in CR_WEBHOOK_ALLOW_NETWORKS)"))
        }
        _ => Ok(url),
    }
}

/// Resolves names for deliveries, keeping only the addresses the allow-list permits.
#[derive(Debug, Clone)]
pub struct CheckedResolver(pub Arc<AllowList>);

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.0.clone();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let permitted: Vec<SocketAddr> = found.iter().copied().filter(|a| allow.permits(a.ip())).collect();
            if permitted.is_empty() {
                return Err(format!("{} resolves to no permitted address", name.as_str()).into());
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        let none = AllowList::default();
        for url in [
            "http://127.0.0.1/",
            "http://10.1.2.3/",
            "http://169.254.169.254/",
            "http://[::1]/",
            "http://localhost:8080/",
            "http://[fd00::1]/",
            "http://100.64.0.1/",
            "http://[::ffff:192.168.0.1]/",
        ] {
            assert!(check_url(url, &none).is_err(), "{url}");
        }
        assert!(check_url("https://93.184.215.14/hook", &none).is_ok());
        assert!(check_url("https://[2606:4700::1111]/hook", &none).is_ok());
        assert!(check_url("https://[64:ff9b::5db8:d70e]/hook", &none).is_ok(), "NAT64 of a public address");
        assert!(check_url("https://hooks.example.com/x", &none).is_ok());
        for bad in ["ftp://example.com/", "https://user:pw@example.com/", "https://example.com/#x", "not a url"] {
            assert!(check_url(bad, &none).is_err(), "{bad}");
        }
        let loopback = AllowList(vec!["127.0.0.1/32".parse().unwrap()]);
        assert!(check_url("http://127.0.0.1:9000/hook", &loopback).is_ok());
        assert!(check_url("http://127.0.0.2:9000/hook", &loopback).is_err());
    }

    #[tokio::test]
    async fn the_resolver_keeps_only_permitted_addresses() {
        let name: Name = "localhost".parse().unwrap();
        let strict = CheckedResolver(Arc::new(AllowList::default()));
        let again: Name = "localhost".parse().unwrap();
        assert!(strict.resolve(again).await.is_err(), "localhost resolves only to refused addresses");
        let loopback = AllowList(vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()]);
        let found: Vec<SocketAddr> = CheckedResolver(Arc::new(loopback)).resolve(name).await.unwrap().collect();
        assert!(!found.is_empty() && found.iter().all(|a| a.ip().is_loopback()), "{found:?}");
    }
}
