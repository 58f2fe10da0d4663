//! Where webhooks may deliver: `http`/`https` URLs whose addresses are public, unless an
//! allow-list (`CR_WEBHOOK_ALLOW_NETWORKS`) lets a private network in. The address is checked
//! when a webhook is saved and again at every delivery, on the address actually connected to.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

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

/// Not loopback, private, link-local, shared, unspecified, multicast or broadcast.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let shared = v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64;
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || shared
                || v4.octets()[0] == 0)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80)
            }
        },
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
                let message = format!("{} resolves to no permitted address ({found:?})", name.as_str());
                return Err(message.into());
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
        assert!(check_url("https://hooks.example.com/x", &none).is_ok());
        for bad in ["ftp://example.com/", "https://user:pw@example.com/", "https://example.com/#x", "not a url"] {
            assert!(check_url(bad, &none).is_err(), "{bad}");
        }
        let loopback = AllowList(vec!["127.0.0.1/32".parse().unwrap()]);
        assert!(check_url("http://127.0.0.1:9000/hook", &loopback).is_ok());
        assert!(check_url("http://127.0.0.2:9000/hook", &loopback).is_err());
    }
}
