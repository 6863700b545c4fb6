//! Secrets never leave the product; people's names leave only when asked.
//!
//! Tenants' configuration carries secrets: Wi-Fi pre-shared keys, VPN shared secrets, product
//! keys, the private parts of certificates, encrypted OMA-URI values, and passwords or tokens
//! pasted into script bodies and configuration profiles (base64 inside the JSON, XML or plists
//! inside that). The workspace keeps them, encrypted, because a restore needs them; every output
//! (review packs and their evidence, exports, `policies show`, diffs, findings, the app) shows
//! [`SECRET`] instead. [`secrets`] is that one rule.
//!
//! The rule errs on the side of hiding: a property is secret by its name (`preSharedKey`,
//! `…Password`, `…Secret`, `…PrivateKey`, `productKey`, …) whatever its value, and free text is
//! searched for the shapes secrets take (`password = "…"`, `ConvertTo-SecureString "…"`,
//! `-Password …`, `<keyMaterial>…`, a JWT, a PEM private key). Only string values are replaced:
//! `passwordRequired: true` and `passwordMinimumLength: 8` are settings, not secrets.
//!
//! [`Pseudonyms`] is the `--redact-pii` option: e-mail addresses, UPNs and the people's names
//! the caller names become stable pseudonyms (the same person reads the same in every pack of a
//! workspace, and nobody can turn one back without the workspace's key).

use base64::Engine as _;
use regex::{Captures, Regex};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// What a secret reads as in every output.
pub const SECRET: &str = "[redacted secret]";

/// Property names (lower case) that hold a secret whatever their value.
const SECRET_NAMES: &[&str] = &[
    "presharedkey",
    "sharedsecret",
    "productkey",
    "licensekey",
    "privatekey",
    "pfxblob",
    "pfxpassword",
    "keymaterial",
    "clientsecret",
    "secretvalue",
    "passphrase",
    "encryptionkey",
    "apikey",
    "accesstoken",
    "refreshtoken",
    "bearertoken",
    "authtoken",
    "wifisecuritykey",
];

/// Name endings (lower case) that make a string property secret: `adminPassword`,
/// `proxySecret`, `vpnSharedKey`, `apiToken`.
const SECRET_ENDINGS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "sharedkey",
    "privatekey",
    "token",
    "passphrase",
];

/// String properties whose names end like a secret's but hold none (a token's *type*, a
/// password rule's name).
const NOT_SECRET: &[&str] = &["tokentype", "passwordtype"];

/// Properties holding base64 text that may hide secrets: script bodies, configuration profiles
/// (`payload`: a mobileconfig plist), custom XML (`omaSettingStringXml`'s `value`).
const BASE64_TEXT: &[&str] = &[
    "scriptcontent",
    "detectionscriptcontent",
    "remediationscriptcontent",
    "payload",
    "payloadjson",
];

/// Whether a property with this name holds a secret when its value is a string.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if NOT_SECRET.contains(&lower.as_str()) {
        return false;
    }
    SECRET_NAMES.contains(&lower.as_str()) || SECRET_ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// Whether a setting path (`a.b[2].preSharedKey`, `wifi > Pre-shared key`) ends in a secret's
/// name: a change to it is shown without its values.
pub fn is_secret_path(path: &str) -> bool {
    let last = path
        .rsplit(['.', '/', '>'])
        .next()
        .unwrap_or(path)
        .trim()
        .trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '[');
    let squashed: String = last.chars().filter(|c| c.is_alphanumeric()).collect();
    !squashed.is_empty() && is_secret_name(&squashed)
}

/// Replaces every secret in `value` with [`SECRET`], in place; returns how many it replaced.
pub fn secrets(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            let mut count = 0;
            // An encrypted OMA-URI setting's value is a secret whatever the setting is called.
            let encrypted = map.get("isEncrypted").and_then(Value::as_bool) == Some(true);
            for (key, item) in map.iter_mut() {
                let lower = key.to_ascii_lowercase();
                if let Value::String(text) = item {
                    if text.is_empty() || text == SECRET {
                        continue;
                    }
                    if is_secret_name(key) || (encrypted && lower == "value") {
                        *text = SECRET.to_string();
                        count += 1;
                    } else if BASE64_TEXT.contains(&lower.as_str()) || lower == "value" {
                        count += redact_base64_or_text(text);
                    } else {
                        count += redact_text_in_place(text);
                    }
                } else {
                    count += secrets(item);
                }
            }
            count
        }
        Value::Array(items) => items.iter_mut().map(secrets).sum(),
        Value::String(text) => redact_text_in_place(text),
        _ => 0,
    }
}

/// A copy of `value` with its secrets replaced.
pub fn without_secrets(value: &Value) -> Value {
    let mut copy = value.clone();
    secrets(&mut copy);
    copy
}

fn redact_text_in_place(text: &mut String) -> usize {
    let (redacted, count) = text_secrets(text);
    if count > 0 {
        *text = redacted;
    }
    count
}

/// A string that may be base64 of text (a script, a plist, XML): decoded, searched, and
/// encoded again when something was hidden; searched as it is otherwise.
fn redact_base64_or_text(text: &mut String) -> usize {
    let mut count = 0;
    rewrite_base64_or_text(text, |plain| {
        let (redacted, n) = text_secrets(plain);
        count += n;
        redacted
    });
    count
}

/// Applies `rewrite` to the text `text` holds: the decoded text when it is base64 of UTF-8 or
/// UTF-16 (encoded again as UTF-8 when `rewrite` changed it), else `text` itself.
fn rewrite_base64_or_text(text: &mut String, mut rewrite: impl FnMut(&str) -> String) {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.len() >= 8 {
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&compact) {
            if let Some(decoded) = decode_text(&bytes) {
                let rewritten = rewrite(&decoded);
                if rewritten != decoded {
                    *text = base64::engine::general_purpose::STANDARD.encode(rewritten.as_bytes());
                }
                return;
            }
        }
    }
    let rewritten = rewrite(text);
    if rewritten != *text {
        *text = rewritten;
    }
}

/// UTF-8, or UTF-16 with a byte-order mark (PowerShell tools write scripts so).
fn decode_text(bytes: &[u8]) -> Option<String> {
    let utf16 = |bytes: &[u8], little: bool| {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|p| {
                if little {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16(&units).ok()
    };
    match bytes {
        [0xff, 0xfe, rest @ ..] => utf16(rest, true),
        [0xfe, 0xff, rest @ ..] => utf16(rest, false),
        [0xef, 0xbb, 0xbf, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

struct TextRule {
    pattern: Regex,
    /// The capture group holding the secret; the rest of the match stays.
    group: usize,
}

static TEXT_RULES: LazyLock<Vec<TextRule>> = LazyLock::new(|| {
    let rule = |pattern: &str, group: usize| TextRule {
        pattern: Regex::new(pattern).expect("the secret patterns are valid"),
        group,
    };
    vec![
        // A PEM private key, whole.
        rule(
            r"(?s)(-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----)",
            1,
        ),
        // ConvertTo-SecureString "…" / -String '…'
        rule(
            r#"(?i)ConvertTo-SecureString\s+(?:-String\s+)?("[^"]*"|'[^']*')"#,
            1,
        ),
        // -Password "…", -ClientSecret $x is a variable (kept), -Token abc
        rule(
            r#"(?i)-(?:Password|Passwd|Secret|ClientSecret|Token|AccessToken|ApiKey|Key|PreSharedKey|Credential)\s+("[^"]*"|'[^']*'|[^\s$"'(][^\s;]*)"#,
            1,
        ),
        // password = "…", $secret: '…', pwd=…; (scripts, INI, connection strings, JSON in text)
        rule(
            r#"(?i)(?:pass(?:word|wd|phrase)?|pwd|secret|client_?secret|api_?key|access_?key|secret_?key|token|shared_?key|psk)["']?\s*[:=]\s*("[^"]*"|'[^']*'|[^\s;,"'<>$][^\s;,"'<>]*)"#,
            1,
        ),
        // XML and plists: <keyMaterial>…</keyMaterial>, <password>…</password>
        rule(
            r"(?i)<(?:keyMaterial|password|sharedSecret|preSharedKey|psk|secret)>([^<]*)</",
            1,
        ),
        rule(
            r"(?i)<key>[^<]*(?:password|secret|psk|presharedkey|sharedkey|token|passphrase)[^<]*</key>\s*<(?:string|data)>([^<]*)</",
            1,
        ),
        // A JSON web token anywhere.
        rule(
            r"(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})",
            1,
        ),
    ]
});

/// `text` with the secrets its shapes give away replaced, and how many.
pub fn text_secrets(text: &str) -> (String, usize) {
    let mut out = text.to_string();
    let mut count = 0;
    for rule in TEXT_RULES.iter() {
        if !rule.pattern.is_match(&out) {
            continue;
        }
        out = rule
            .pattern
            .replace_all(&out, |caps: &Captures| {
                let whole = caps.get(0).expect("a match has group 0");
                let Some(secret) = caps.get(rule.group) else {
                    return whole.as_str().to_string();
                };
                let value = secret.as_str().trim_matches(|c| c == '"' || c == '\'');
                if value.is_empty() || value == SECRET {
                    return whole.as_str().to_string();
                }
                count += 1;
                let quoted = secret.as_str().starts_with(['"', '\'']);
                let replacement = if quoted {
                    let q = &secret.as_str()[..1];
                    format!("{q}{SECRET}{q}")
                } else {
                    SECRET.to_string()
                };
                let start = secret.start() - whole.start();
                let end = secret.end() - whole.start();
                format!(
                    "{}{}{}",
                    &whole.as_str()[..start],
                    replacement,
                    &whole.as_str()[end..]
                )
            })
            .into_owned();
    }
    (out, count)
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("the e-mail pattern is valid")
});

/// Stable pseudonyms for people (`--redact-pii`): every e-mail address and UPN, and the names
/// given with [`Pseudonyms::person`], read as `redacted-user-3f9a1c` (no `@`: a pseudonym must
/// not pass for an address) or `Person 3f9a1c`. The pseudonym is a keyed hash of the lower-cased original: `key` is a
/// secret of the workspace (the engine derives it from the workspace's key), so the same
/// person has the same pseudonym in every pack, and nobody without the key can test a guess.
pub struct Pseudonyms {
    key: [u8; 32],
    names: Vec<(String, String)>,
    used: BTreeMap<String, String>,
}

impl Pseudonyms {
    pub fn new(key: [u8; 32]) -> Pseudonyms {
        Pseudonyms {
            key,
            names: Vec::new(),
            used: BTreeMap::new(),
        }
    }

    fn tag(&self, original: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.key);
        hasher.update(original.trim().to_lowercase().as_bytes());
        hex::encode(&hasher.finalize()[..3])
    }

    /// A person's name to hide wherever it appears (a directory user's display name, an
    /// approver, an OS account in the audit log). Names shorter than three characters are
    /// ignored: they would hide parts of words.
    pub fn person(&mut self, name: &str) {
        // "Anna Meier <anna.meier@contoso.com>": the address goes by the e-mail rule, the name
        // by this one.
        let without_address = EMAIL.replace_all(name, "");
        let name = without_address
            .trim_matches(|c: char| c.is_whitespace() || "<>()[]\"',;".contains(c))
            .trim();
        if name.chars().count() < 3 || name.contains('@') {
            return;
        }
        if self.names.iter().any(|(n, _)| n == name) {
            return;
        }
        let pseudonym = format!("Person {}", self.tag(name));
        self.names.push((name.to_string(), pseudonym));
        // Longest first, so "Anna Meier" goes before "Anna".
        self.names
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    }

    /// `text` with every e-mail address and every named person replaced.
    pub fn text(&mut self, text: &str) -> String {
        let mut out = if EMAIL.is_match(text) {
            EMAIL
                .replace_all(text, |caps: &Captures| {
                    let original = &caps[0];
                    let pseudonym = format!("redacted-user-{}", self.tag(original));
                    self.used.insert(original.to_lowercase(), pseudonym.clone());
                    pseudonym
                })
                .into_owned()
        } else {
            text.to_string()
        };
        for (name, pseudonym) in &self.names {
            if out.contains(name.as_str()) {
                out = out.replace(name.as_str(), pseudonym);
                self.used.insert(name.clone(), pseudonym.clone());
            }
        }
        out
    }

    /// Every string in `value` (keys stay) through [`Pseudonyms::text`], inside base64 script
    /// bodies and profiles too.
    pub fn value(&mut self, value: &mut Value) {
        match value {
            Value::String(text) => {
                let replaced = self.text(text);
                if replaced != *text {
                    *text = replaced;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.value(v)),
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    let lower = key.to_ascii_lowercase();
                    match item {
                        Value::String(text)
                            if BASE64_TEXT.contains(&lower.as_str()) || lower == "value" =>
                        {
                            rewrite_base64_or_text(text, |plain| self.text(plain));
                        }
                        _ => self.value(item),
                    }
                }
            }
            _ => {}
        }
    }

    /// How many different people were replaced so far.
    pub fn replaced(&self) -> usize {
        self.used.len()
    }
}

/// Counts of what redaction replaced, by kind, for the pack's limitations section.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RedactionCounts {
    pub secrets: usize,
    pub people: usize,
}

/// Whether `text` still holds an e-mail address or UPN (for tests and self-checks).
pub fn has_email(text: &str) -> bool {
    EMAIL.is_match(text)
}

/// The e-mail addresses in `text`, each once, as first found.
pub fn emails(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for m in EMAIL.find_iter(text) {
        if !found.iter().any(|f| f == m.as_str()) {
            found.push(m.as_str().to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn b64(text: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    #[test]
    fn apple_and_android_tokens_are_secret_but_their_names_and_dates_are_not() {
        // A VPP token's `token` (null on reads, but never shown if Graph ever sends it), a
        // Managed Google Play enrolment token; the token's name, type and expiry stay.
        let mut vpp = json!({"displayName": "Contoso VPP", "token": "eyJleHBEYXRlIjoiMjAyNy0wMS0wMSJ9",
            "vppTokenAccountType": "business", "expirationDateTime": "2027-01-01T00:00:00Z"});
        let mut dep = json!({"tokenName": "Contoso ABM", "tokenType": "dep",
            "tokenExpirationDateTime": "2027-01-01T00:00:00Z", "appleIdentifier": "abm@contoso.com"});
        let mut android = json!({"companyCodes": [{"enrollmentToken": "ABCDEFGHIJKLMNOPQRST",
            "qrCodeContent": "x", "expirationDateTime": "2027-01-01T00:00:00Z"}]});
        let (vpp_before, dep_before) = (vpp.clone(), dep.clone());
        assert_eq!(secrets(&mut vpp), 1);
        assert_eq!(vpp["token"], SECRET);
        assert_eq!(vpp["displayName"], vpp_before["displayName"]);
        assert_eq!(vpp["expirationDateTime"], vpp_before["expirationDateTime"]);
        assert_eq!(secrets(&mut dep), 0);
        assert_eq!(dep, dep_before);
        assert_eq!(secrets(&mut android), 1);
        assert_eq!(android["companyCodes"][0]["enrollmentToken"], SECRET);
    }

    #[test]
    fn secret_properties_are_replaced_and_settings_are_not() {
        let mut wifi = json!({
            "@odata.type": "#microsoft.graph.windowsWifiConfiguration",
            "ssid": "Contoso-Corp",
            "preSharedKey": "Sup3r-Secret-PSK!",
            "passwordRequired": true,
            "passwordMinimumLength": 8,
            "passwordRequiredType": "alphanumeric",
            "proxyAutomaticConfigurationUrl": "https://proxy.contoso.com/wpad.dat",
            "vpn": {"sharedSecret": "l2tp-shared", "servers": [{"adminPassword": "hunter22"}]},
            "omaSettings": [
                {"@odata.type": "#microsoft.graph.omaSettingString", "omaUri": "./Vendor/MSFT/X", "isEncrypted": true, "value": "opaque"},
                {"@odata.type": "#microsoft.graph.omaSettingInteger", "omaUri": "./Vendor/MSFT/Y", "value": 3}
            ]
        });
        assert_eq!(secrets(&mut wifi), 4);
        let text = wifi.to_string();
        for secret in ["Sup3r-Secret-PSK!", "l2tp-shared", "hunter22", "opaque"] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        assert_eq!(wifi["passwordRequired"], json!(true));
        assert_eq!(wifi["passwordMinimumLength"], json!(8));
        assert_eq!(wifi["passwordRequiredType"], json!("alphanumeric"));
        assert_eq!(wifi["omaSettings"][1]["value"], json!(3));
        assert_eq!(wifi["ssid"], json!("Contoso-Corp"));
        // Idempotent: a second pass finds nothing more.
        assert_eq!(secrets(&mut wifi), 0);
    }

    #[test]
    fn passwords_in_script_bodies_are_replaced_inside_the_base64() {
        let script = "$user = 'svc-join'\r\n$password = \"P@ssw0rd-2026\"\r\n\
                      $sec = ConvertTo-SecureString 'An0ther!' -AsPlainText -Force\r\n\
                      Connect-Thing -Token abc123def456 -Verbose\r\nWrite-Host $password\r\n";
        let mut object = json!({"displayName": "Join domain", "scriptContent": b64(script)});
        assert_eq!(secrets(&mut object), 3);
        let body = base64::engine::general_purpose::STANDARD
            .decode(object["scriptContent"].as_str().unwrap())
            .unwrap();
        let body = String::from_utf8(body).unwrap();
        assert!(
            !body.contains("P@ssw0rd-2026")
                && !body.contains("An0ther!")
                && !body.contains("abc123def456")
        );
        assert!(body.contains("$user = 'svc-join'"), "{body}");
        assert!(body.contains("Write-Host $password"), "{body}");
        assert!(body.contains(SECRET));
    }

    #[test]
    fn utf16_scripts_plists_and_xml_are_searched_too() {
        let mut utf16 = vec![0xff, 0xfe];
        for unit in "$pwd = 'Winter2026!'".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let plist = "<dict><key>Password</key><string>plist-secret</string><key>SSID_STR</key><string>Corp</string></dict>";
        let xml = "<WLANProfile><sharedKey><keyType>passPhrase</keyType><keyMaterial>xml-psk-123</keyMaterial></sharedKey></WLANProfile>";
        let mut object = json!({
            "scriptContent": base64::engine::general_purpose::STANDARD.encode(&utf16),
            "payload": b64(plist),
            "omaSettings": [{"value": b64(xml)}],
        });
        secrets(&mut object);
        let all = |v: &Value| {
            let mut out = String::new();
            for s in [
                &v["scriptContent"],
                &v["payload"],
                &v["omaSettings"][0]["value"],
            ] {
                let raw = base64::engine::general_purpose::STANDARD
                    .decode(s.as_str().unwrap())
                    .unwrap();
                out.push_str(&String::from_utf8_lossy(&raw));
            }
            out
        };
        let text = all(&object);
        for secret in ["Winter2026!", "plist-secret", "xml-psk-123"] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        assert!(text.contains("<string>Corp</string>"));
    }

    #[test]
    fn free_text_shapes() {
        let (out, n) = text_secrets("Server=db;User Id=sa;Password=Pa55word;Encrypt=yes");
        assert_eq!(n, 1);
        assert_eq!(
            out,
            format!("Server=db;User Id=sa;Password={SECRET};Encrypt=yes")
        );
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXRleHQ";
        assert_eq!(text_secrets(&format!("Authorization: Bearer {jwt}")).1, 1);
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
        assert_eq!(text_secrets(pem).0, SECRET);
        // Not secrets: words about passwords, and variables.
        for text in [
            "Password must be 8 characters",
            "$cred = Get-Credential",
            "-Password $pw",
            "passwordRequired",
        ] {
            assert_eq!(text_secrets(text).1, 0, "{text}");
        }
    }

    #[test]
    fn secret_paths() {
        assert!(is_secret_path("wifi.preSharedKey"));
        assert!(is_secret_path("servers[0].adminPassword"));
        assert!(is_secret_path("Wi-Fi > Pre-shared key"));
        assert!(!is_secret_path("passwordMinimumLength"));
        assert!(!is_secret_path("passwordRequiredType"));
    }

    #[test]
    fn pseudonyms_are_stable_keyed_and_leave_no_address() {
        let mut a = Pseudonyms::new([7; 32]);
        a.person("Anna Meier <anna.meier@contoso.com>");
        let text = "Approved by Anna Meier (anna.meier@contoso.com), UPN ANNA.MEIER@contoso.com";
        let out = a.text(text);
        assert!(!has_email(&out), "{out}");
        assert!(!out.contains("Anna Meier") && !out.contains('@'), "{out}");
        // The same address in any case gets the same pseudonym.
        let pseudonym = a.text("anna.meier@contoso.com");
        assert!(pseudonym.starts_with("redacted-user-"), "{pseudonym}");
        assert_eq!(out.matches(&pseudonym).count(), 2, "{out}");
        let mut again = Pseudonyms::new([7; 32]);
        assert_eq!(again.text("Anna.Meier@Contoso.com"), pseudonym);
        let mut other = Pseudonyms::new([8; 32]);
        assert_ne!(other.text("anna.meier@contoso.com"), pseudonym);
        // Inside a script body too.
        let mut script = json!({"scriptContent": b64("# owner: anna.meier@contoso.com\n")});
        a.value(&mut script);
        let body = base64::engine::general_purpose::STANDARD
            .decode(script["scriptContent"].as_str().unwrap())
            .unwrap();
        let body = String::from_utf8(body).unwrap();
        assert_eq!(body, format!("# owner: {pseudonym}\n"));
        assert_eq!(a.replaced(), 2);
    }
}
