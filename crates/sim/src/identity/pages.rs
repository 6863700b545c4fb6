//! The few HTML pages a person sees while signing in: enter the device code, pick the account and
//! approve or decline, and the browser flow's consent page. Plain server-rendered HTML, no scripts.

use crate::state::{DeviceCodeGrant, World};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,"Segoe UI",sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}}
main{{max-width:440px;margin:8vh auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}}
h1{{font-size:24px;font-weight:600;margin:0 0 16px}} .sim{{color:#666;font-size:13px;margin-bottom:24px}}
input,select{{width:100%;box-sizing:border-box;font-size:16px;padding:8px;margin:8px 0 16px;border:1px solid #8a8a8a}}
button{{font-size:15px;padding:8px 24px;margin-right:8px;border:0;cursor:pointer}}
.primary{{background:#0067b8;color:#fff}} .secondary{{background:#ccc}} .error{{color:#c00;margin-bottom:12px}}
</style></head><body><main><div class="sim">TenantAtlas simulated Microsoft sign-in</div><h1>{title}</h1>{body}</main></body></html>"#,
        title = escape(title)
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

pub(crate) fn device_login_page(
    _world: &World,
    code: Option<&str>,
    error: Option<&str>,
) -> Response {
    let error_html = error
        .map(|e| format!(r#"<p class="error">{}</p>"#, escape(e)))
        .unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page(
        status,
        "Enter code",
        &format!(
            r#"{error_html}<p>Enter the code displayed on your app or device.</p>
<form method="post" action="/devicelogin"><input name="user_code" autocomplete="off" placeholder="Code" value="{}" autofocus>
<button class="primary" type="submit">Next</button></form>"#,
            escape(code.unwrap_or(""))
        ),
    )
}

/// The account picker and the approve/decline choice for a device code.
pub(crate) fn device_consent_page(world: &World, grant: &DeviceCodeGrant) -> Response {
    let options: String = world
        .tenants
        .iter()
        .filter(|t| {
            matches!(grant.authority_tenant.as_str(), "common" | "organizations")
                || t.id.eq_ignore_ascii_case(&grant.authority_tenant)
        })
        .map(|t| {
            let admin = t.admin();
            format!(
                r#"<option value="{}">{} — {}</option>"#,
                escape(&admin.user_principal_name),
                escape(&admin.user_principal_name),
                escape(&t.name)
            )
        })
        .collect();
    let app = app_name(world, &grant.client_id);
    page(
        StatusCode::OK,
        &format!("Are you trying to sign in to {app}?"),
        &format!(
            r#"<p>Only continue if you downloaded the app from a source you trust. Requested permissions: {}</p>
<form method="post" action="/devicelogin"><input type="hidden" name="user_code" value="{}">
<label>Account<select name="account">{options}</select></label>
<button class="primary" name="decision" value="approve">Continue</button><button class="secondary" name="decision" value="decline">Cancel</button></form>"#,
            escape(&grant.scopes.join(" ")),
            escape(&grant.user_code)
        ),
    )
}

/// The name Entra shows for an app: its registration's display name.
fn app_name(world: &World, client_id: &str) -> String {
    world
        .app(client_id)
        .map_or_else(|| client_id.to_string(), |a| a.display_name.clone())
}

pub(crate) fn message_page(title: &str, text: &str) -> Response {
    page(StatusCode::OK, title, &format!("<p>{}</p>", escape(text)))
}

/// The consent page of the browser flow: the form posts back to `/authorize` with every original
/// parameter and the decision.
pub(crate) fn authorize_page(
    world: &World,
    tenant_index: usize,
    client_id: &str,
    query: &[(String, String)],
) -> Response {
    let tenant = &world.tenants[tenant_index];
    let hidden: String = query
        .iter()
        .filter(|(k, _)| k != "decision")
        .map(|(k, v)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}">"#,
                escape(k),
                escape(v)
            )
        })
        .collect();
    page(
        StatusCode::OK,
        "Permissions requested",
        &format!(
            r#"<p>{} ({}) wants to sign in as <b>{}</b>.</p><p>Application: {}</p>
<form method="post">{hidden}<button class="primary" name="decision" value="approve">Accept</button><button class="secondary" name="decision" value="decline">Cancel</button></form>"#,
            escape(&tenant.name),
            escape(&tenant.domain),
            escape(&tenant.admin().user_principal_name),
            escape(&app_name(world, client_id))
        ),
    )
}

/// Shows an error that cannot be sent back to the application (before its redirect URI is
/// trusted), with the AADSTS text as Entra's error page shows it.
pub(crate) fn error_page(status: StatusCode, description: &str) -> Response {
    page(
        status,
        "Sorry, but we're having trouble signing you in.",
        &format!("<p>{}</p>", escape(description)),
    )
}
