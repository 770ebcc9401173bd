//! IP addresses and CIDR blocks, accepted and compared the way event-ruler does.
//!
//! event-ruler only treats a string as an address when it looks like one
//! (`[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+` or `[0-9a-fA-F:]*:[0-9a-fA-F:]*`) and Java's
//! `InetAddress` then parses it. Java's IPv6 parser differs from Rust's in details (it limits
//! a group's *value*, not its digit count, and turns `::ffff:a.b.c.d`-style mapped addresses
//! into IPv4), so both parsers are written out here.

/// An address as bytes: 4 for IPv4, 16 for IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Addr {
    len: u8,
    bytes: [u8; 16],
}

impl Addr {
    fn v4(b: [u8; 4]) -> Addr {
        let mut bytes = [0; 16];
        bytes[..4].copy_from_slice(&b);
        Addr { len: 4, bytes }
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    fn is_v4(&self) -> bool {
        self.len == 4
    }
}

fn looks_like_v4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn looks_like_v6(s: &str) -> bool {
    s.contains(':') && s.bytes().all(|b| b == b':' || b.is_ascii_hexdigit())
}

/// Whether event-ruler would try to read `s` as an address at all.
pub(crate) fn looks_like_ip(s: &str) -> bool {
    looks_like_v4(s) || looks_like_v6(s)
}

/// Parses an address that [`looks_like_ip`]; `None` when Java would reject it.
pub(crate) fn parse_ip(s: &str) -> Option<Addr> {
    if looks_like_v4(s) {
        parse_v4(s)
    } else if looks_like_v6(s) {
        parse_v6(s)
    } else {
        None
    }
}

fn parse_v4(s: &str) -> Option<Addr> {
    let mut out = [0u8; 4];
    for (slot, part) in out.iter_mut().zip(s.split('.')) {
        // Current JDKs refuse leading zeros as ambiguous (octal in other parsers).
        if part.len() > 1 && part.starts_with('0') {
            return None;
        }
        if part.len() > 3 {
            return None;
        }
        *slot = part.parse::<u8>().ok()?;
    }
    Some(Addr::v4(out))
}

/// Java's `IPAddressUtil.textToNumericFormatV6`, restricted to what the regex lets through.
fn parse_v6(s: &str) -> Option<Addr> {
    let src = s.as_bytes();
    if src.len() < 2 {
        return None;
    }
    let mut dst = [0u8; 16];
    let mut i = 0;
    // A leading colon must be the start of "::".
    if src[0] == b':' {
        i = 1;
        if src[1] != b':' {
            return None;
        }
    }
    let mut colonp: Option<usize> = None;
    let mut j = 0usize;
    let mut saw_xdigit = false;
    let mut val: u32 = 0;
    while i < src.len() {
        let ch = src[i];
        i += 1;
        if let Some(d) = (ch as char).to_digit(16) {
            val = (val << 4) | d;
            if val > 0xffff {
                return None;
            }
            saw_xdigit = true;
            continue;
        }
        // The regex admits only hex digits and ':' here.
        if !saw_xdigit {
            if colonp.is_some() {
                return None;
            }
            colonp = Some(j);
            continue;
        } else if i == src.len() {
            return None;
        }
        if j + 2 > 16 {
            return None;
        }
        dst[j] = (val >> 8) as u8;
        dst[j + 1] = (val & 0xff) as u8;
        j += 2;
        saw_xdigit = false;
        val = 0;
    }
    if saw_xdigit {
        if j + 2 > 16 {
            return None;
        }
        dst[j] = (val >> 8) as u8;
        dst[j + 1] = (val & 0xff) as u8;
        j += 2;
    }
    if let Some(cp) = colonp {
        if j == 16 {
            return None;
        }
        let n = j - cp;
        for k in 1..=n {
            dst[16 - k] = dst[cp + n - k];
            dst[cp + n - k] = 0;
        }
        j = 16;
    }
    if j != 16 {
        return None;
    }
    // Java hands back IPv4-mapped addresses (::ffff:a.b.c.d) as plain IPv4.
    if dst[..10].iter().all(|&b| b == 0) && dst[10] == 0xff && dst[11] == 0xff {
        return Some(Addr::v4([dst[12], dst[13], dst[14], dst[15]]));
    }
    Some(Addr {
        len: 16,
        bytes: dst,
    })
}

/// An inclusive address range from a `cidr` pattern (or a single plain address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    low: Addr,
    high: Addr,
}

impl Block {
    pub(crate) fn single(addr: Addr) -> Block {
        Block {
            low: addr,
            high: addr,
        }
    }

    /// Parses `addr/bits` with event-ruler's checks and messages, in its order.
    pub(crate) fn parse_cidr(text: &str) -> Result<Block, String> {
        // Java's String.split drops trailing empty strings.
        let mut parts: Vec<&str> = text.split('/').collect();
        while parts.last() == Some(&"") {
            parts.pop();
        }
        if parts.len() != 2 {
            return Err("Malformed CIDR, one '/' required".to_owned());
        }
        let bits = java_parse_int(parts[1])
            .ok_or_else(|| "Malformed CIDR, mask bits must be an integer".to_owned())?;
        if bits < 0 {
            return Err("Malformed CIDR, mask bits must not be negative".to_owned());
        }
        let ip = parts[0];
        let addr = if looks_like_ip(ip) {
            parse_ip(ip).ok_or_else(|| format!("Invalid IP address: {ip}"))?
        } else {
            return Err(format!("Nonstandard IP address: {ip}"));
        };
        let total: i32 = if addr.is_v4() { 32 } else { 128 };
        if bits > total - 1 {
            return Err(if addr.is_v4() {
                "IPv4 mask bits must be < 32".to_owned()
            } else {
                "IPv6 mask bits must be < 128".to_owned()
            });
        }
        let mut low = addr;
        let mut high = addr;
        let mut host_bits = total - bits;
        for i in (0..usize::from(addr.len)).rev() {
            let mask: u8 = if host_bits >= 8 {
                0xff
            } else if host_bits <= 0 {
                0
            } else {
                (1u8 << host_bits) - 1
            };
            low.bytes[i] &= !mask;
            high.bytes[i] |= mask;
            host_bits -= 8;
        }
        Ok(Block { low, high })
    }

    /// Whether the string `s` is an address inside this block (same family only).
    pub(crate) fn contains_text(&self, s: &str) -> bool {
        if !looks_like_ip(s) {
            return false;
        }
        match parse_ip(s) {
            Some(a) => self.contains(&a),
            None => false,
        }
    }

    fn contains(&self, a: &Addr) -> bool {
        a.len == self.low.len
            && self.low.as_slice() <= a.as_slice()
            && a.as_slice() <= self.high.as_slice()
    }
}

/// `Integer.parseInt` for ASCII input: optional sign, digits, 32-bit range.
fn java_parse_int(s: &str) -> Option<i32> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i32>().ok()
}
