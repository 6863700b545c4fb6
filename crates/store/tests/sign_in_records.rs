//! What the workspace knows about each tenant's sign-in without its tokens: when they were last
//! saved, and a refusal by the sign-in service, recorded until new tokens are saved.

mod common;

use common::{fresh_dir, open, tenant};
use tenantatlas_store::tokens::{mark_tokens_rejected, sign_in_records};
use tenantatlas_store::{save_tokens, upsert_tenant, StoredTokens};

fn tokens(refresh: &str) -> StoredTokens {
    StoredTokens {
        refresh_token: refresh.to_string(),
        access_token: Some("at".to_string()),
        access_expires_at: Some(1_900_000_000),
    }
}

#[tokio::test]
async fn a_refusal_is_kept_until_new_tokens_are_saved() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    let t = tenant(
        "33333333-aaaa-bbbb-cccc-000000000003",
        "contoso.onmicrosoft.com",
        "Contoso",
    );
    upsert_tenant(&ws, &t).await.unwrap();
    assert!(sign_in_records(&ws).await.unwrap().is_empty());
    // A refusal for a tenant without tokens changes nothing.
    mark_tokens_rejected(&ws, &t.id, "sign_in_inactive")
        .await
        .unwrap();
    assert!(sign_in_records(&ws).await.unwrap().is_empty());

    save_tokens(&ws, &t.id, &tokens("rt-1")).await.unwrap();
    let saved = sign_in_records(&ws).await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].tenant_id, t.id);
    assert!(saved[0].refreshed_at.ends_with('Z'), "{saved:?}");
    assert_eq!(
        (
            saved[0].rejected_at.as_ref(),
            saved[0].rejected_code.as_ref()
        ),
        (None, None)
    );

    mark_tokens_rejected(
        &ws,
        "33333333-AAAA-bbbb-cccc-000000000003",
        "sign_in_inactive",
    )
    .await
    .unwrap();
    let refused = sign_in_records(&ws).await.unwrap();
    assert_eq!(
        refused[0].rejected_code.as_deref(),
        Some("sign_in_inactive")
    );
    assert!(refused[0].rejected_at.is_some());
    assert_eq!(refused[0].refreshed_at, saved[0].refreshed_at);

    // A new sign-in (or a rotation) clears it.
    save_tokens(&ws, &t.id, &tokens("rt-2")).await.unwrap();
    let again = sign_in_records(&ws).await.unwrap();
    assert_eq!(
        (
            again[0].rejected_at.as_ref(),
            again[0].rejected_code.as_ref()
        ),
        (None, None)
    );
    assert!(again[0].refreshed_at >= saved[0].refreshed_at);
}
