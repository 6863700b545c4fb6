//! Text from a customer's tenant is shown, never obeyed (issue 10, reproduction 3): a policy
//! whose name and description carry terminal escape sequences (clear screen, a window title set
//! by OSC … BEL), a carriage return, a bidirectional override, an invisible zero-width space and
//! a line break followed by a fake verdict is created through Graph, synced, made a baseline and
//! changed. Every text output that shows it — `policies list|show`, `history`, `diff`, `drift`,
//! `findings list`, `baseline list|show` — must carry no escape, bell or carriage-return byte and
//! no line of its own starting with the fake verdict; the line break and the invisible characters
//! must be visible instead. `--json` keeps the exact text.

mod common;

use common::{CliEnv, Outcome};
use reqwest::Method;
use serde_json::{json, Value};

const CONFIGURATIONS: &str = "/beta/deviceManagement/deviceConfigurations";

/// Clears the screen, retitles the window, turns the rest right-to-left, hides a zero-width space
/// and starts a line of its own with a fake verdict.
const HOSTILE_NAME: &str =
    "\x1b[2J\x1b]0;pwned\x07Legit\u{200b}\u{202e}txt.exe\nFAKE: all tenants compliant\r";
/// A description changed behind the product's back: the change's before and after are shown.
const HOSTILE_BEFORE: &str = "first\x1b[31m red\nFAKE: description unchanged";
const HOSTILE_AFTER: &str = "second\x1b]0;retitled\x07\r\nFAKE: no drift found\u{9b}2J";
/// A baseline name typed (or pasted) by a person is shown the same way.
const HOSTILE_BASELINE: &str = "Golden\x1b[5m\nFAKE: baseline approved";

/// What a text output did wrong, one line per problem, gathered so that one run names every
/// command that leaks.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    /// Checks that one text output obeys nothing and forges no line; returns stdout.
    fn shown_not_obeyed(&mut self, outcome: &Outcome) -> String {
        outcome.assert_success();
        // Debug-quoted: the arguments hold the hostile text too.
        let command = format!("tenantatlas {:?}", outcome.args.join(" "));
        for (stream, text) in [("stdout", &outcome.stdout), ("stderr", &outcome.stderr)] {
            for (byte, what) in [(0x1b, "ESC"), (0x07, "BEL"), (b'\r', "CR")] {
                if text.as_bytes().contains(&byte) {
                    self.0
                        .push(format!("`{command}` printed {what} on {stream}"));
                }
            }
            for c in ['\u{9b}', '\u{200b}', '\u{202e}'] {
                if text.contains(c) {
                    self.0
                        .push(format!("`{command}` printed {c:?} raw on {stream}"));
                }
            }
            for line in text.lines() {
                if line.trim_start().starts_with("FAKE") {
                    self.0.push(format!(
                        "`{command}` printed a forged line on {stream}: {line:?}"
                    ));
                }
            }
        }
        outcome.stdout.clone()
    }

    /// Checks that the hostile name is shown on one line with its hidden characters visible.
    fn name_visible(&mut self, outcome: &Outcome) {
        let stdout = self.shown_not_obeyed(outcome);
        if !stdout.contains("Legit\\u{200b}\\u{202e}txt.exe\\nFAKE: all tenants compliant\\r") {
            self.0.push(format!(
                "`tenantatlas {:?}` does not show the name with its hidden characters visible:\n{stdout}",
                outcome.args.join(" ")
            ));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_and_values_are_shown_never_obeyed() {
    let sim = common::start(common::config(1, 30)).await;
    let cli = CliEnv::new();
    let mut problems = Problems::default();
    let tenant = sim.domain(0);
    let token = sim.graph_token(0).await;
    let created = sim
        .graph_create(
            &token,
            CONFIGURATIONS,
            &json!({
                "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
                "displayName": HOSTILE_NAME,
                "description": HOSTILE_BEFORE,
                "passwordRequired": true,
            }),
        )
        .await;
    let id = created["id"].as_str().expect("created id").to_string();
    cli.connect(&sim, 0).await;
    problems.shown_not_obeyed(&cli.run(&["sync", "--tenant", &tenant]).await);

    // --json keeps the exact text, escaped as JSON escapes it.
    let listed = cli.json(&["policies", "list", "--tenant", &tenant]).await;
    let names: Vec<&str> = listed
        .as_array()
        .expect("policies list is an array")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&HOSTILE_NAME), "{names:?}");
    let shown = cli
        .json(&["policies", "show", "--tenant", &tenant, "--object", &id])
        .await;
    assert_eq!(shown["content"]["displayName"], HOSTILE_NAME);
    assert_eq!(shown["content"]["description"], HOSTILE_BEFORE);
    let raw = cli
        .run(&["policies", "list", "--tenant", &tenant, "--json"])
        .await;
    assert!(
        !raw.stdout.as_bytes().contains(&0x1b) && raw.stdout.contains("\\u001b[2J"),
        "JSON escapes control characters: {}",
        raw.stdout
    );

    let list = cli.run(&["policies", "list", "--tenant", &tenant]).await;
    problems.name_visible(&list);
    let show = cli
        .run(&["policies", "show", "--tenant", &tenant, "--object", &id])
        .await;
    problems.name_visible(&show);

    let created = cli
        .json(&[
            "baseline",
            "create",
            HOSTILE_BASELINE,
            "--from-tenant",
            &tenant,
        ])
        .await;
    assert_eq!(created[0]["name"], HOSTILE_BASELINE);
    cli.json(&["baseline", "assign", HOSTILE_BASELINE, "--tenant", &tenant])
        .await;
    let baselines = cli.run(&["baseline", "list"]).await;
    let text = problems.shown_not_obeyed(&baselines);
    if !text.contains("Golden\\u{1b}[5m\\nFAKE: baseline approved") {
        problems.0.push(format!(
            "`baseline list` does not show the name visibly:\n{text}"
        ));
    }
    let matched = cli
        .run(&["baseline", "show", HOSTILE_BASELINE, "--tenant", &tenant])
        .await;
    problems.name_visible(&matched);

    // The description changes behind the product's back: a finding whose change shows both values.
    let (status, body) = sim
        .graph_send(
            &token,
            Method::PATCH,
            &format!("{CONFIGURATIONS}/{id}"),
            Some(&json!({
                "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
                "description": HOSTILE_AFTER,
            })),
        )
        .await;
    assert!(status.is_success(), "PATCH: {status} {body}");
    problems.shown_not_obeyed(&cli.run(&["sync", "--tenant", &tenant]).await);

    let drift = cli.run(&["drift", "--tenant", &tenant]).await;
    problems.name_visible(&drift);
    let findings = cli.run(&["findings", "list", "--tenant", &tenant]).await;
    problems.name_visible(&findings);
    let listed = cli.json(&["findings", "list", "--tenant", &tenant]).await;
    let finding: &Value = listed
        .as_array()
        .expect("findings list is an array")
        .iter()
        .find(|f| f["object_id"] == id.as_str())
        .unwrap_or_else(|| panic!("a finding for the hostile policy: {listed}"));
    assert_eq!(finding["object"], HOSTILE_NAME);
    let change = &finding["changes"][0];
    assert_eq!(change["before"], HOSTILE_BEFORE, "{finding}");
    assert_eq!(change["after"], HOSTILE_AFTER, "{finding}");

    let history = cli
        .run(&["history", "--tenant", &tenant, "--object", &id])
        .await;
    problems.shown_not_obeyed(&history);
    let diff = cli.run(&["diff", "--tenant", &tenant]).await;
    problems.name_visible(&diff);
    let versions = cli
        .run(&["diff", "--tenant", &tenant, "--object", &id])
        .await;
    problems.name_visible(&versions);
    let exact = cli
        .json(&["diff", "--tenant", &tenant, "--object", &id])
        .await;
    assert_eq!(exact["name"], HOSTILE_NAME, "{exact}");
    assert!(problems.0.is_empty(), "{}", problems.0.join("\n"));
}
