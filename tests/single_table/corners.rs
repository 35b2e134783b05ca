use ddbgen_runtime::QueryBuilder;
use ddbgen_runtime::codegen::DateTime;
use ddbgen_tests::entities::counter::{CounterKey, CounterRepository, NewCounter};
use ddbgen_tests::entities::invite::{InviteRepository, NewInvite};
use ddbgen_tests::entities::marker::{MarkerKey, MarkerRepository, NewMarker};
use ddbgen_tests::entities::member::{MemberRepository, MemberSummary, NewMember};
use ddbgen_tests::entities::settings::{NewSettings, SettingsKey, SettingsRepository};
use ddbgen_tests::entities::tenancy::{ByKind, Membership, TenancyRepository};
use ddbgen_tests::entities::types::Kind;

use super::support::Env;
use super::*;

fn member(tenant: &str, user: u64, active: bool, kind: Kind, joined: i64) -> NewMember {
    NewMember {
        tenant: tenant.into(),
        user,
        active,
        kind,
        joined: DateTime::from_timestamp(joined, 0).expect("time"),
        r#type: None,
    }
}

#[tokio::test]
async fn tricky_templates_round_trip_and_query() {
    let env = Env::new();
    let table = TenancyRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    env.table_created(table.create_table().await);
    let name = table.table().name().to_owned();
    let settings = SettingsRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let members = MemberRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let invites = InviteRepository::new(env.client.clone()).with_table_prefix(&env.prefix);

    // A constant-only hash key: every revision of the settings in one partition, sorted
    // by a signed integer (negative revisions first).
    for revision in [-3, 7, 12] {
        settings
            .create(NewSettings {
                revision,
                body: format!("r{revision}"),
            })
            .await
            .expect("settings");
    }
    let all = settings.query().all().await.expect("settings");
    assert_eq!(all.iter().map(|s| s.revision).collect::<Vec<_>>(), vec![-3, 7, 12]);
    let recent = settings.query().revision_ge(0).all().await.expect("ge");
    assert_eq!(recent.len(), 2);
    // An access pattern given nothing: its partition is the constant `SETTINGS`.
    let newest = settings.settings_from(0).all().await.expect("pattern");
    assert_eq!(newest.iter().map(|s| s.revision).collect::<Vec<_>>(), vec![12, 7]);
    let key = SettingsKey { revision: -3 };
    assert_eq!(
        settings.get(&key).await.expect("get").map(|s| s.body),
        Some("r-3".into())
    );

    // A singleton: both keys constant, a key type without fields.
    let counters = CounterRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    counters.create(NewCounter { hits: 1 }).await.expect("counter");
    let counted = counters.update(&CounterKey {}).add_hits(41).send().await.expect("add");
    assert_eq!(counted.hits, 42);
    // No field at all: the item is its keys and discriminator.
    let markers = MarkerRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    markers.create(NewMarker {}).await.expect("marker");
    assert!(markers.get(&MarkerKey {}).await.expect("get").is_some());
    let again = counters.create(NewCounter { hits: 0 }).await;
    assert!(
        matches!(
            again.as_ref().map_err(Error::kind),
            Err(ErrorKind::AlreadyExists { .. })
        ),
        "one item only: {again:?}"
    );

    let ada = members
        .create(member("acme", 1, true, Kind::Owner, 1_700_000_000))
        .await
        .expect("member");
    members
        .create(member("acme", 2, false, Kind::Guest, 1_700_000_100))
        .await
        .expect("member");
    invites
        .create(NewInvite {
            tenant: "acme".into(),
            user: 1,
            sent: NaiveDate::from_ymd_opt(2024, 1, 2).expect("date"),
            expires_at: DateTime::from_timestamp(1_800_000_000, 0),
        })
        .await
        .expect("invite");
    // The one entity that expires: the table's TTL is its field's attribute, and the
    // invite stores it as epoch seconds (N), which is what DynamoDB expires by.
    if !env.external() {
        let ttl = env
            .client
            .describe_time_to_live()
            .table_name(&name)
            .send()
            .await
            .expect("describe TTL");
        let description = ttl.time_to_live_description().expect("a TTL description");
        assert_eq!(description.attribute_name(), Some("expires_at"));
    }
    let partition = "TENANT#acme#USER#00000000000000000001";
    let stored = raw_at(&env, &name, [("PK", partition), ("SK", "INVITE#2024-01-02")]).await;
    assert_eq!(stored["expires_at"], AttributeValue::N("1800000000".into()));
    let item = raw_at(&env, &name, [("PK", partition), ("SK", "MEMBER#1#META")]).await;
    assert_eq!(item["_type"], s("Member"));
    assert_eq!(item["GSI1SK"], s("acme#00000000000000000001"));
    assert_eq!(members.get(&ada.key()).await.expect("get"), Some(ada.clone()));
    let active = members.query("acme", 1).active(true).all().await.expect("active");
    assert_eq!(active, vec![ada.clone()]);
    // Access patterns over a two-field template and over the index.
    assert_eq!(
        members.member_of("acme", 1).all().await.expect("member_of"),
        vec![ada.clone()]
    );
    assert_eq!(
        members.members_of_kind(Kind::Owner).all().await.expect("of kind"),
        vec![ada.clone()]
    );
    // A partial type with a keyword field, read from the entity's partition.
    let summaries = members
        .query("acme", 1)
        .select::<MemberSummary>()
        .all()
        .await
        .expect("summary");
    assert_eq!(
        summaries,
        vec![MemberSummary {
            user: 1,
            kind: Kind::Owner,
            r#type: None
        }]
    );

    // A collection over a partition, and one over an index partition.
    let membership = table.membership("acme", 1).all().await.expect("membership");
    assert_eq!(membership.len(), 2);
    assert!(
        matches!(membership[0], Membership::Invite(_)),
        "INVITE# sorts before MEMBER#"
    );
    let owners = table.by_kind(Kind::Owner).all().await.expect("by kind");
    assert_eq!(owners, vec![ByKind::Member(ada.clone())]);

    // Setters re-encode the index templates they feed: the global and the local one.
    let guest = members
        .update(&ada.key())
        .set_kind(Kind::Guest)
        .set_joined(DateTime::from_timestamp(1_600_000_000, 0).expect("time"))
        .send()
        .await
        .expect("update");
    assert_eq!(table.by_kind(Kind::Owner).all().await.expect("owners"), vec![]);
    assert_eq!(table.by_kind(Kind::Guest).count().await.expect("guests"), 2);
    let by_join = members.query_lsi1("acme", 1).all().await.expect("lsi");
    assert_eq!(by_join, vec![guest]);
}
