//! Every file reader of the engine against what an attacker or an unlucky disk can hand it:
//! arbitrary bytes, JSON shaped like what it expects with arbitrary values in every place, nesting
//! far beyond serde_json's recursion limit, and files at and over the size limits. No panic, no
//! stack overflow, no hang; memory bounded by the limits of `ops::input`.
//!
//! Readers covered: `baseline create --from-file` on one file (our export, Graph JSON as IntuneCD
//! and Graph Explorer write it) and on a folder of files, and `workspace.json` through
//! [`Engine::open`]. The Graph client's JSON (pages, `$batch`, token responses) has its own test
//! in `crates/graph/tests/fuzz_graph.rs`.
//!
//! Case counts: `TENANTATLAS_FUZZ_CASES` (default 64, a few seconds per reader in CI); for a long
//! run on demand: `TENANTATLAS_FUZZ_CASES=100000 cargo nextest run -p tenantatlas-engine --test
//! fuzz_readers`.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::path::Path;
use tenantatlas_core::diff::{diff, NoRefs};
use tenantatlas_core::{content_hash, kinds};
use tenantatlas_engine::ops::baseline_file;
use tenantatlas_engine::ops::input::{self, InputError, LIMITS};
use tenantatlas_engine::Engine;

fn cases() -> u32 {
    std::env::var("TENANTATLAS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ta-fuzz-")
        .tempdir()
        .expect("temporary folder")
}

/// The field names the readers look at, so that generated objects reach past the first check.
const KEYS: &[&str] = &[
    "format",
    "format_version",
    "kinds",
    "objects",
    "kind",
    "name",
    "object_id",
    "content",
    "refs",
    "placeholders",
    "groups",
    "value",
    "@odata.type",
    "@odata.nextLink",
    "displayName",
    "description",
    "id",
    "assignments",
    "target",
    "groupId",
    "groupName",
    "settings",
    "technologies",
    "platforms",
    "scriptContent",
    "settingInstance",
    "settingDefinitionId",
    "children",
    "conditions",
    "grantControls",
    "rule",
    "platform",
];

/// Values the readers give meaning to.
fn special_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("tenantatlas.baseline".to_string()),
        Just("#microsoft.graph.windows10GeneralConfiguration".to_string()),
        Just("#microsoft.graph.deviceManagementConfigurationPolicy".to_string()),
        Just("#microsoft.graph.groupAssignmentTarget".to_string()),
        Just("#microsoft.graph.windows10CompliancePolicy".to_string()),
        Just("deviceConfigurations".to_string()),
        Just("configurationPolicies".to_string()),
        Just("\u{1b}[2J\n\u{0}\u{202e}".to_string()),
        ".{0,12}",
    ]
}

/// Arbitrary JSON, biased towards the readers' own field names and values.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        special_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(KEYS).prop_map(str::to_string),
                        ".{0,6}"
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A document shaped like our export, with arbitrary values where the readers look.
fn export_like() -> impl Strategy<Value = Value> {
    (
        json_value(),
        prop::collection::vec((json_value(), json_value(), json_value()), 0..4),
        json_value(),
        prop_oneof![Just(json!(1)), json_value()],
    )
        .prop_map(|(kinds, objects, refs, version)| {
            json!({
                "format": "tenantatlas.baseline",
                "format_version": version,
                "kinds": kinds,
                "refs": refs,
                "objects": objects.into_iter().map(|(kind, name, content)| json!({
                    "kind": kind, "name": name, "content": content
                })).collect::<Vec<_>>(),
            })
        })
}

/// Graph JSON as exporters write it: one object, an array or a page, with a known type.
fn graph_like() -> impl Strategy<Value = Value> {
    (json_value(), special_string(), special_string(), 0..3u8).prop_map(
        |(extra, odata_type, name, shape)| {
            let mut object = match extra {
                Value::Object(map) => map,
                other => Map::from_iter([("extra".to_string(), other)]),
            };
            object.insert("@odata.type".into(), json!(odata_type));
            object.insert("displayName".into(), json!(name));
            let object = Value::Object(object);
            match shape {
                0 => object,
                1 => json!([object]),
                _ => json!({"value": [object]}),
            }
        },
    )
}

/// Reads `bytes` as a baseline file; whatever the outcome, it must be an outcome.
fn read_bytes(
    bytes: &[u8],
) -> Result<baseline_file::BaselineFile, tenantatlas_engine::EngineError> {
    let dir = temp();
    let path = dir.path().join("baseline.json");
    std::fs::write(&path, bytes).expect("write");
    baseline_file::read(&path)
}

/// What a baseline read gives back must be usable: hashed and compared with itself.
fn use_objects(file: &baseline_file::BaselineFile) {
    for object in &file.objects {
        let _ = content_hash(&object.content);
        let kind = kinds::by_key(object.kind).expect("a known kind");
        assert!(diff(kind, &object.content, &object.content, &NoRefs, &NoRefs).is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_are_an_error_or_a_baseline(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(file) = read_bytes(&bytes) {
            use_objects(&file);
        }
    }

    #[test]
    fn export_shaped_documents_never_panic(doc in export_like()) {
        if let Ok(file) = read_bytes(&serde_json::to_vec(&doc).unwrap()) {
            use_objects(&file);
        }
    }

    #[test]
    fn graph_json_never_panics(doc in graph_like(), bom in any::<bool>()) {
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend(serde_json::to_vec(&doc).unwrap());
        if let Ok(file) = read_bytes(&bytes) {
            use_objects(&file);
        }
    }

    #[test]
    fn folders_of_anything_never_panic(
        docs in prop::collection::vec(prop_oneof![
            graph_like().prop_map(|d| serde_json::to_vec(&d).unwrap()),
            json_value().prop_map(|d| serde_json::to_vec(&d).unwrap()),
            prop::collection::vec(any::<u8>(), 0..256),
        ], 0..6)
    ) {
        let dir = temp();
        for (i, bytes) in docs.iter().enumerate() {
            let sub = dir.path().join(format!("Kind {}", i % 2));
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::write(sub.join(format!("{i}.json")), bytes).unwrap();
        }
        if let Ok(file) = baseline_file::read(dir.path()) {
            use_objects(&file);
        }
    }
}

/// `depth` nested openings of `open`, then their closings: far beyond the recursion limit.
fn nested(open: &str, close: &str, depth: usize) -> Vec<u8> {
    let mut text = open.repeat(depth);
    text.push('1');
    text.push_str(&close.repeat(depth));
    text.into_bytes()
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for bytes in [
        nested("[", "]", 100_000),
        nested("{\"a\":", "}", 100_000),
        nested("[", "", 100_000),
        // Inside a policy the exporter would otherwise accept.
        {
            let mut doc = b"{\"@odata.type\":\"#microsoft.graph.windows10GeneralConfiguration\",\"displayName\":\"x\",\"deep\":".to_vec();
            doc.extend(nested("[", "]", 100_000));
            doc.push(b'}');
            doc
        },
    ] {
        let e = read_bytes(&bytes).expect_err("nesting beyond serde_json's limit is refused");
        assert!(e.message.contains("is not JSON"), "{}", e.message);
        // The limit is serde_json's own (128): no crate of ours may turn it off.
        let parsed = baseline_file::parse_json(&bytes).expect_err("refused");
        assert!(parsed.to_string().contains("recursion limit"), "{parsed}");
    }
    // In a folder, such a file is left out and said so; the policy beside it is read.
    let dir = temp();
    std::fs::write(dir.path().join("deep.json"), nested("[", "]", 100_000)).unwrap();
    std::fs::write(
        dir.path().join("policy.json"),
        br##"{"@odata.type": "#microsoft.graph.windows10GeneralConfiguration", "displayName": "p"}"##,
    )
    .unwrap();
    let file = baseline_file::read(dir.path()).expect("the policy is read");
    assert_eq!(file.objects.len(), 1);
    assert!(
        file.skipped.iter().any(|s| s.starts_with("deep.json")),
        "{:?}",
        file.skipped
    );
}

#[test]
fn the_deepest_accepted_policy_hashes_and_compares() {
    // 120 levels inside the policy: within the limit, so every recursive walk of ours meets it.
    let mut doc = b"{\"@odata.type\":\"#microsoft.graph.windows10GeneralConfiguration\",\"displayName\":\"deep\",\"deep\":".to_vec();
    doc.extend(nested("{\"a\":[", "]}", 60));
    doc.push(b'}');
    let file = read_bytes(&doc).expect("a policy 120 levels deep is read");
    assert_eq!(file.objects.len(), 1);
    use_objects(&file);
    let kind = kinds::by_key("deviceConfigurations").unwrap();
    let mut other = file.objects[0].content.clone();
    other["deep"] = json!("flat");
    assert!(!diff(kind, &file.objects[0].content, &other, &NoRefs, &NoRefs).is_empty());
}

#[test]
fn huge_files_are_read_to_the_limit_and_refused_beyond() {
    let dir = temp();
    // One policy with a 20 MB description: large, but a policy.
    let big = dir.path().join("big.json");
    let policy = json!({
        "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
        "displayName": "big",
        "description": "x".repeat(20 * 1024 * 1024),
    });
    std::fs::write(&big, serde_json::to_vec(&policy).unwrap()).unwrap();
    let file = baseline_file::read(&big).expect("a 20 MB policy is read");
    assert_eq!(file.objects.len(), 1);
    // Over the limit, sparse so it takes no room: refused before it is read.
    let over = dir.path().join("over.json");
    std::fs::File::create(&over)
        .unwrap()
        .set_len(LIMITS.file_bytes + 1)
        .unwrap();
    let e = baseline_file::read(&over).unwrap_err();
    assert!(e.message.contains("is larger than 32 MiB"), "{}", e.message);
    assert!(matches!(
        input::read_bounded(&over, LIMITS.file_bytes),
        Err(InputError::FileTooLarge { .. })
    ));
}

#[test]
fn a_folder_larger_than_the_total_limit_is_refused_in_bounded_memory() {
    let dir = temp();
    // 17 sparse files of 31 MiB: each under the file limit, together over the total.
    for i in 0..17 {
        std::fs::File::create(dir.path().join(format!("{i:02}.json")))
            .unwrap()
            .set_len(31 * 1024 * 1024)
            .unwrap();
    }
    let e = baseline_file::read(dir.path()).unwrap_err();
    assert!(
        e.message.contains("hold more than 512 MiB together"),
        "{}",
        e.message
    );
    // Each file is let go before the next is read: the peak stays far below the total read.
    if let Some(peak) = peak_memory_kib() {
        assert!(peak < 1024 * 1024, "peak resident memory {peak} KiB");
    }
}

/// The process's peak resident memory, where the platform says it (Linux).
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A real `workspace.json`, written by creating a workspace.
fn real_workspace_json(dir: &Path, runtime: &tokio::runtime::Runtime) -> Value {
    runtime.block_on(async {
        let engine = Engine::open(dir, Some(PASSPHRASE.to_string()))
            .await
            .expect("a new workspace opens");
        engine.close().await.expect("closes");
    });
    serde_json::from_slice(&std::fs::read(dir.join("workspace.json")).unwrap()).unwrap()
}

const PASSPHRASE: &str = "fuzz passphrase 4d1e9a";

/// `value` with the leaf at `index` (in walk order) replaced by `replacement`.
fn replace_leaf(value: &mut Value, index: &mut usize, replacement: &Value) -> bool {
    match value {
        Value::Object(map) => map
            .values_mut()
            .any(|v| replace_leaf(v, index, replacement)),
        Value::Array(items) => items
            .iter_mut()
            .any(|v| replace_leaf(v, index, replacement)),
        leaf => {
            if *index == 0 {
                *leaf = replacement.clone();
                return true;
            }
            *index -= 1;
            false
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    // Each case creates a workspace and may derive its key (Argon2id) twice: a sixteenth of the
    // cases, at least four.
    #![proptest_config(ProptestConfig::with_cases((cases() / 16).max(4)))]

    #[test]
    fn a_damaged_workspace_json_is_an_error(
        bytes in prop::collection::vec(any::<u8>(), 0..1024),
        leaf in 0usize..64,
        replacement in json_value(),
        drop_key in any::<bool>(),
    ) {
        let rt = runtime();
        let source = temp();
        let real = real_workspace_json(source.path(), &rt);
        // Arbitrary bytes, and the real document with one value changed (or one key gone).
        let mut changed = real.clone();
        let mut index = leaf;
        if !replace_leaf(&mut changed, &mut index, &replacement) || drop_key {
            if let Some(map) = changed.as_object_mut() {
                let key = map.keys().nth(leaf % map.len().max(1)).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
        }
        for text in [bytes, serde_json::to_vec(&changed).unwrap()] {
            let dir = temp();
            let copy = dir.path().join("ws");
            std::fs::create_dir(&copy).unwrap();
            for entry in std::fs::read_dir(source.path()).unwrap() {
                let entry = entry.unwrap();
                // A lock file may go away while it is listed: copy what is there.
                if entry.file_type().is_ok_and(|t| t.is_file()) {
                    let _ = std::fs::copy(entry.path(), copy.join(entry.file_name()));
                }
            }
            std::fs::write(copy.join("workspace.json"), &text).unwrap();
            // Any outcome but a panic, an abort or a hang; an open workspace is closed again.
            let opened = rt.block_on(Engine::open(&copy, Some(PASSPHRASE.to_string())));
            if let Ok(engine) = opened {
                let _ = rt.block_on(engine.close());
            }
        }
    }
}
