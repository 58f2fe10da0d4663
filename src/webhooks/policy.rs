//! Where webhooks may deliver: `http`/`https` URLs whose addresses are public (outside every
//! block IANA's special-purpose registries do not list as globally reachable), unless an
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
        self.0.iter().any(|net| net.contains(&ip)) || refusal(ip).is_none()
    }
}

// IANA's IPv4 and IPv6 Special-Purpose Address Registries, every entry in registry order: the
// block, its name and whether IANA lists it as globally reachable ("N/A" counts as not; 6to4,
// N/A, is left out and judged by the IPv4 address it carries). The most specific entry holding
// an address decides, so a globally reachable sub-block (`192.0.0.9/32`, `2001:3::/32`) is let
// through inside a block that is not. Read on 2026-12-08 from
// https://www.iana.org/assignments/iana-ipv4-special-registry/ and
// https://www.iana.org/assignments/iana-ipv6-special-registry/ (last updated 2025-10-09).
// Refused beyond them, each marked: IPv4 multicast and, in IPv6, the deprecated site-local
// block, multicast, everything outside 2000::/3 and ORCHIDv2 (which IANA lists as reachable, but
// RFC 7343 makes ORCHIDs identifiers that are not routed).

/// The IPv4 registry's entries (and multicast).
const SPECIAL_V4: [(&str, &str, bool); 26] = [
    ("0.0.0.0/8", "this network", false),
    ("0.0.0.0/32", "this host on this network", false),
    ("10.0.0.0/8", "private-use", false),
    ("100.64.0.0/10", "shared address space", false),
    ("127.0.0.0/8", "loopback", false),
    ("169.254.0.0/16", "link-local", false),
    ("172.16.0.0/12", "private-use", false),
    ("192.0.0.0/24", "IETF protocol assignments", false),
    ("192.0.0.0/29", "IPv4 service continuity prefix", false),
    ("192.0.0.8/32", "IPv4 dummy address", false),
    ("192.0.0.9/32", "port control protocol anycast", true),
    ("192.0.0.10/32", "traversal using relays around NAT anycast", true),
    ("192.0.0.170/32", "NAT64/DNS64 discovery", false),
    ("192.0.0.171/32", "NAT64/DNS64 discovery", false),
    ("192.0.2.0/24", "documentation (TEST-NET-1)", false),
    ("192.31.196.0/24", "AS112-v4", true),
    ("192.52.193.0/24", "AMT", true),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast", false),
    ("192.168.0.0/16", "private-use", false),
    ("192.175.48.0/24", "direct delegation AS112 service", true),
    ("198.18.0.0/15", "benchmarking", false),
    ("198.51.100.0/24", "documentation (TEST-NET-2)", false),
    ("203.0.113.0/24", "documentation (TEST-NET-3)", false),
    ("224.0.0.0/4", "multicast, not in the registry", false),
    ("240.0.0.0/4", "reserved", false),
    ("255.255.255.255/32", "limited broadcast", false),
];

/// The IPv6 registry's entries (and site-local and multicast).
const SPECIAL_V6: [(&str, &str, bool); 26] = [
    ("::1/128", "loopback", false),
    ("::/128", "unspecified", false),
    ("::ffff:0:0/96", "IPv4-mapped", false),
    ("64:ff9b::/96", "IPv4-IPv6 translation", true),
    ("64:ff9b:1::/48", "local-use IPv4-IPv6 translation", false),
    ("100::/64", "discard-only", false),
    ("100:0:0:1::/64", "dummy IPv6 prefix", false),
    ("2001::/23", "IETF protocol assignments", false),
    ("2001::/32", "Teredo", false),
    ("2001:1::1/128", "port control protocol anycast", true),
    ("2001:1::2/128", "traversal using relays around NAT anycast", true),
    ("2001:1::3/128", "DNS-SD service registration protocol anycast", true),
    ("2001:2::/48", "benchmarking", false),
    ("2001:3::/32", "AMT", true),
    ("2001:4:112::/48", "AS112-v6", true),
    ("2001:10::/28", "deprecated ORCHID", false),
    ("2001:20::/28", "ORCHIDv2, identifiers that are not routed", false),
    ("2001:30::/28", "drone remote ID protocol entity tags", true),
    ("2001:db8::/32", "documentation", false),
    ("2620:4f:8000::/48", "direct delegation AS112 service", true),
    ("3fff::/20", "documentation", false),
    ("5f00::/16", "segment routing (SRv6) SIDs", false),
    ("fc00::/7", "unique-local", false),
    ("fe80::/10", "link-local", false),
    ("fec0::/10", "site-local, deprecated, not in the registry", false),
    ("ff00::/8", "multicast, not in the registry", false),
];

/// The registries' entries, parsed once.
static SPECIAL_NETS: LazyLock<Vec<(IpNet, &'static str, bool)>> = LazyLock::new(|| {
    let entries = SPECIAL_V4.iter().chain(SPECIAL_V6.iter());
    entries.map(|&(net, name, reachable)| (net.parse().expect("a CIDR"), name, reachable)).collect()
});

/// IANA allocates unicast IPv6 only from 2000::/3; the rest is "Reserved by IETF" (IPv6 Address
/// Space registry), so nothing outside it is public, whatever is assigned there later.
static GLOBAL_UNICAST: LazyLock<IpNet> = LazyLock::new(|| "2000::/3".parse().expect("a CIDR"));

/// The IPv4 address carried by a NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`) address, which
/// reaches whatever that address is. (IPv4-mapped, -compatible and -translated addresses and
/// Teredo's are refused whole.)
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    match s {
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(Ipv4Addr::from(u128::from(v6) as u32)),
        [0x2002, a, b, ..] => Some(Ipv4Addr::from((u32::from(a) << 16) | u32::from(b))),
        _ => None,
    }
}

/// The most specific registry entry holding `ip`.
fn special_block(ip: IpAddr) -> Option<&'static (IpNet, &'static str, bool)> {
    SPECIAL_NETS.iter().filter(|(net, ..)| net.contains(&ip)).max_by_key(|(net, ..)| net.prefix_len())
}

/// Why `ip` is not public (the block it is in), or `None` when it is public.
fn refusal(ip: IpAddr) -> Option<String> {
    let special = special_block(ip);
    if let Some((net, name, false)) = special {
        return Some(format!("in {net} ({name})"));
    }
    let IpAddr::V6(v6) = ip else { return None };
    if special.is_none() && !GLOBAL_UNICAST.contains(&ip) {
        return Some("outside 2000::/3, the IPv6 global unicast space".to_owned());
    }
    let carried = embedded_v4(v6)?;
    refusal(IpAddr::V4(carried)).map(|why| format!("it carries {carried}, {why}"))
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
    match ip.filter(|ip| !allow.permits(*ip)).and_then(|ip| Some((ip, refusal(ip)?))) {
        Some((ip, why)) => Err(format!("{ip} is not public: {why}; CR_WEBHOOK_ALLOW_NETWORKS does not allow it")),
        None => Ok(url),
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
        let refused = check_url("http://192.88.99.1/", &none).unwrap_err();
        assert!(refused.contains("192.88.99.0/24 (deprecated 6to4 relay anycast)"), "{refused}");
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

    /// One address inside each range refused, with the range it stands for.
    const REFUSED: [(&str, &str); 54] = [
        ("0.1.2.3", "0.0.0.0/8"),
        ("0.0.0.0", "0.0.0.0/32"),
        ("10.1.2.3", "10.0.0.0/8"),
        ("100.127.255.254", "100.64.0.0/10"),
        ("127.0.0.1", "127.0.0.0/8"),
        ("169.254.169.254", "169.254.0.0/16"),
        ("172.31.0.1", "172.16.0.0/12"),
        ("192.0.0.100", "192.0.0.0/24"),
        ("192.0.0.1", "192.0.0.0/29"),
        ("192.0.0.8", "192.0.0.8/32"),
        ("192.0.0.170", "192.0.0.170/32"),
        ("192.0.0.171", "192.0.0.171/32"),
        ("192.0.2.1", "192.0.2.0/24"),
        ("192.88.99.1", "192.88.99.0/24"),
        ("192.168.1.1", "192.168.0.0/16"),
        ("198.19.0.1", "198.18.0.0/15"),
        ("198.51.100.7", "198.51.100.0/24"),
        ("203.0.113.9", "203.0.113.0/24"),
        ("240.0.0.1", "240.0.0.0/4"),
        ("255.255.255.255", "255.255.255.255/32"),
        ("224.0.0.251", "224.0.0.0/4"),
        ("::1", "::1/128"),
        ("::", "::/128"),
        ("::ffff:8.8.8.8", "::ffff:0:0/96"),
        ("64:ff9b:1::1", "64:ff9b:1::/48"),
        ("100::1", "100::/64"),
        ("100:0:0:1::1", "100:0:0:1::/64"),
        ("2001:5::1", "2001::/23"),
        ("2001:1ff:ffff::1", "2001::/23"),
        ("2001:1::4", "2001::/23"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::/32"),
        ("2001:2::1", "2001:2::/48"),
        ("2001:10::1", "2001:10::/28"),
        ("2001:20::1", "2001:20::/28"),
        ("2001:db8::1", "2001:db8::/32"),
        ("3fff::1", "3fff::/20"),
        ("3fff:fff:ffff::1", "3fff::/20"),
        ("5f00::1", "5f00::/16"),
        ("fc00::1", "fc00::/7"),
        ("fd12:3456::1", "fc00::/7"),
        ("fe80::1", "fe80::/10"),
        ("fec0::1", "fec0::/10"),
        ("ff02::1", "ff00::/8"),
        ("ff0e::1", "ff00::/8"),
        ("64:ff9b::a00:1", "NAT64 of 10.0.0.1"),
        ("64:ff9b::7f00:1", "NAT64 of 127.0.0.1"),
        ("2002:a00:1::1", "6to4 of 10.0.0.1"),
        ("2002:c058:6301::1", "6to4 of 192.88.99.1"),
        ("::a00:1", "IPv4-compatible"),
        ("::808:808", "IPv4-compatible"),
        ("::ffff:0:a00:1", "IPv4-translated"),
        ("4000::1", "outside 2000::/3"),
        ("1000::1", "outside 2000::/3"),
        ("5f01::1", "outside 2000::/3"),
    ];

    /// Public neighbours of the refused ranges, and sub-blocks IANA lists as globally reachable.
    const ACCEPTED: [&str; 24] = [
        "192.0.0.9",
        "192.0.0.10",
        "192.31.196.1",
        "192.52.193.1",
        "192.175.48.1",
        "192.88.98.255",
        "192.88.100.1",
        "100.128.0.1",
        "172.32.0.1",
        "198.20.0.1",
        "11.0.0.1",
        "223.255.255.254",
        "2001:1::1",
        "2001:1::2",
        "2001:1::3",
        "2001:3::1",
        "2001:4:112::1",
        "2001:30::1",
        "2001:200::1",
        "2001:db9::1",
        "2620:4f:8000::1",
        "3fff:1000::1",
        "64:ff9b::5db8:d70e",
        "2002:5db8:d70e::1",
    ];

    #[test]
    fn every_range_not_globally_reachable_is_refused_and_its_neighbours_are_not() {
        let none = AllowList::default();
        for (address, range) in REFUSED {
            let ip: IpAddr = address.parse().unwrap();
            assert!(!none.permits(ip), "{address} ({range}) is refused");
            if let Ok(block) = range.parse::<IpNet>() {
                assert_eq!(special_block(ip).map(|entry| entry.0), Some(block), "{address} is in {range}");
            }
        }
        for address in ACCEPTED {
            assert!(none.permits(address.parse().unwrap()), "{address} is accepted");
        }
        for (block, name, reachable) in SPECIAL_NETS.iter() {
            let inside = |address: &&str| block.contains(&address.parse::<IpAddr>().unwrap());
            let tried = match reachable {
                false => REFUSED.iter().any(|(_, range)| range.parse::<IpNet>().ok() == Some(*block)),
                true => ACCEPTED.iter().any(inside),
            };
            assert!(tried, "{block} ({name}) has an address in the test");
        }
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
