//! `ddbgen plan` and `apply`: the schema's tables against the live ones, by the IR's rule table.

use std::io::Write;

use super::{EXIT_OK, EXIT_STALE, LiveArgs, read_all};

/// The runtime's layout of a table definition, under `prefix` + its name.
fn layout(table: &crate::infra::TableLayout, prefix: &str) -> ddbgen_runtime::admin::TableLayout {
    use crate::infra::{IndexProjection, KeyAttribute};
    use ddbgen_runtime::admin::{IndexLayout, KeyLayout, ProjectionLayout, TableLayout};
    let key = |k: &KeyAttribute| KeyLayout {
        name: k.name.clone(),
        attribute_type: match k.key_type {
            crate::ir::KeyType::S => ddbgen_runtime::AttributeType::S,
            crate::ir::KeyType::N => ddbgen_runtime::AttributeType::N,
            crate::ir::KeyType::B => ddbgen_runtime::AttributeType::B,
        },
    };
    let index = |i: &crate::infra::IndexLayout| IndexLayout {
        name: i.name.clone(),
        hash: i.hash.iter().map(key).collect(),
        range: i.range.iter().map(key).collect(),
        projection: match &i.projection {
            IndexProjection::All => ProjectionLayout::All,
            IndexProjection::KeysOnly => ProjectionLayout::KeysOnly,
            IndexProjection::Include(names) => ProjectionLayout::Include(names.clone()),
        },
    };
    let vector = |v: &crate::infra::VectorIndexLayout| ddbgen_runtime::admin::VectorIndexLayout {
        name: v.name.clone(),
        attribute: v.attribute.clone(),
        dimensions: v.dimensions,
        distance: match v.distance {
            crate::schema::model::VectorDistance::Cosine => ddbgen_runtime::VectorDistance::Cosine,
            crate::schema::model::VectorDistance::Euclidean => ddbgen_runtime::VectorDistance::Euclidean,
            crate::schema::model::VectorDistance::DotProduct => ddbgen_runtime::VectorDistance::DotProduct,
        },
        hash: v.hash.as_ref().map(key),
        filters: v.filters.iter().map(key).collect(),
    };
    TableLayout {
        name: format!("{prefix}{}", table.name),
        hash: key(&table.hash),
        range: table.range.as_ref().map(key),
        global: table.global.iter().map(index).collect(),
        local: table.local.iter().map(index).collect(),
        ttl: table.ttl.clone(),
        vector: table.vector.iter().map(vector).collect(),
    }
}

/// The IR's layout of a live table, as DescribeTable read it: what [`layout`] makes, read back,
/// so that the schema and the live table are compared by the IR's one rule table.
fn from_live(live: &ddbgen_runtime::admin::TableLayout) -> crate::infra::TableLayout {
    use crate::infra::{IndexLayout, IndexProjection, KeyAttribute, TableLayout};
    use ddbgen_runtime::admin::{KeyLayout, ProjectionLayout};
    let key = |k: &KeyLayout| KeyAttribute {
        name: k.name.clone(),
        key_type: match k.attribute_type {
            ddbgen_runtime::AttributeType::S => crate::ir::KeyType::S,
            ddbgen_runtime::AttributeType::N => crate::ir::KeyType::N,
            ddbgen_runtime::AttributeType::B => crate::ir::KeyType::B,
        },
    };
    let index = |i: &ddbgen_runtime::admin::IndexLayout| IndexLayout {
        name: i.name.clone(),
        hash: i.hash.iter().map(key).collect(),
        range: i.range.iter().map(key).collect(),
        projection: match &i.projection {
            ProjectionLayout::All => IndexProjection::All,
            ProjectionLayout::KeysOnly => IndexProjection::KeysOnly,
            ProjectionLayout::Include(names) => IndexProjection::Include(names.clone()),
        },
    };
    let vector = |v: &ddbgen_runtime::admin::VectorIndexLayout| crate::infra::VectorIndexLayout {
        name: v.name.clone(),
        attribute: v.attribute.clone(),
        dimensions: v.dimensions,
        distance: match v.distance {
            ddbgen_runtime::VectorDistance::Cosine => crate::schema::model::VectorDistance::Cosine,
            ddbgen_runtime::VectorDistance::Euclidean => crate::schema::model::VectorDistance::Euclidean,
            ddbgen_runtime::VectorDistance::DotProduct => crate::schema::model::VectorDistance::DotProduct,
        },
        hash: v.hash.as_ref().map(key),
        filters: v.filters.iter().map(key).collect(),
    };
    TableLayout {
        item: String::new(),
        name: live.name.clone(),
        hash: key(&live.hash),
        range: live.range.as_ref().map(key),
        global: live.global.iter().map(index).collect(),
        local: live.local.iter().map(index).collect(),
        ttl: live.ttl.clone(),
        vector: live.vector.iter().map(vector).collect(),
    }
}

/// The steps that bring the live table (`None`: there is none) to the schema's, by the IR's
/// rule table (`ir::layout::changes`, which `diff` uses too): removals of global indexes before
/// additions, one index at a time, then TTL; a change `apply` cannot make is refused, with why.
fn plan_steps(
    desired: &crate::infra::TableLayout,
    live: Option<&ddbgen_runtime::admin::TableLayout>,
) -> Vec<ddbgen_runtime::admin::Change> {
    use crate::ir::layout::LayoutChange;
    use ddbgen_runtime::admin::Change;
    let Some(live) = live else {
        return vec![Change::CreateTable];
    };
    let live = from_live(live);
    let changes = crate::ir::layout::changes(&live, desired);
    let key = |t: &crate::infra::TableLayout| {
        let one = |k: &crate::infra::KeyAttribute| format!("{} ({})", k.name, k.key_type.as_str());
        match &t.range {
            Some(range) => format!("{} + {}", one(&t.hash), one(range)),
            None => one(&t.hash),
        }
    };
    let mut steps = Vec::new();
    for change in &changes {
        if let Some(why) = change.refusal() {
            let what = match change {
                LayoutChange::Key => format!("the live key is {}, the schema's is {}", key(&live), key(desired)),
                LayoutChange::LocalIndexes => "the local secondary indexes differ".to_owned(),
                _ => format!(
                    "TTL is on attribute `{}`, the schema's is `{}`",
                    live.ttl.as_deref().unwrap_or_default(),
                    desired.ttl.as_deref().unwrap_or_default()
                ),
            };
            steps.push(Change::Refused(format!("{what}: {why}")));
        }
    }
    for change in &changes {
        if let LayoutChange::GlobalIndexRemoved(name) = change {
            steps.push(Change::RemoveIndex(name.clone()));
        }
    }
    for change in &changes {
        if let LayoutChange::GlobalIndexChanged(name) = change {
            steps.push(Change::RecreateIndex(name.clone()));
        }
    }
    for change in &changes {
        if let LayoutChange::GlobalIndexAdded(name) = change {
            steps.push(Change::AddIndex(name.clone()));
        }
    }
    for change in &changes {
        match change {
            LayoutChange::VectorIndexRemoved(name) => steps.push(Change::RemoveVectorIndex(name.clone())),
            LayoutChange::VectorIndexChanged(name) => steps.push(Change::RecreateVectorIndex(name.clone())),
            LayoutChange::VectorIndexAdded(name) => steps.push(Change::AddVectorIndex(name.clone())),
            _ => {}
        }
    }
    for change in changes {
        match change {
            LayoutChange::TtlOn(attribute) => steps.push(Change::EnableTtl(attribute)),
            LayoutChange::TtlOff(attribute) => steps.push(Change::DisableTtl(attribute)),
            _ => {}
        }
    }
    steps
}

/// What `plan` and `apply` cannot see: they compare the physical table only.
const PHYSICAL_ONLY: &str = "plan compares the physical tables (key attributes and their types, indexes, TTL); whether items already stored still read back after a schema change (a key's parts, a field's type) is for `ddbgen diff OLD NEW`";

/// `plan` (with `apply` false) and `apply`.
pub(super) fn live(args: &LiveArgs, apply: bool, out: &mut dyn Write) -> Result<u8, String> {
    use ddbgen_runtime::admin::{self, Change};
    let sources = read_all(&args.schemas)?;
    let modules = crate::compile(&sources).map_err(|d| d.to_string())?;
    let schemas: Vec<crate::infra::TableLayout> = modules
        .iter()
        .flat_map(|(_, _, model)| crate::infra::tables(model))
        .map(|t| t.with_prefix(&args.table_prefix))
        .collect();
    let desired: Vec<_> = schemas.iter().map(|t| layout(t, "")).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let client = ddbgen_runtime::client_for(&args.endpoint);
    runtime.block_on(async {
        let mut plans = Vec::new();
        for table in &schemas {
            let current = admin::describe(&client, &table.name).await.map_err(|e| e.to_string())?;
            plans.push(plan_steps(table, current.as_ref()));
        }
        let mut differences = 0;
        let mut refused = false;
        for (table, changes) in desired.iter().zip(&plans) {
            if changes.is_empty() {
                writeln!(out, "{}: up to date", table.name).map_err(|e| e.to_string())?;
            }
            for change in changes {
                differences += 1;
                refused |= matches!(change, Change::Refused(_));
                writeln!(out, "{}: {change}", table.name).map_err(|e| e.to_string())?;
            }
        }
        if !apply {
            writeln!(out, "note: {PHYSICAL_ONLY}").map_err(|e| e.to_string())?;
            return Ok(if differences == 0 { EXIT_OK } else { EXIT_STALE });
        }
        if refused {
            return Err("nothing applied: the plan holds a change ddbgen refuses (see above)".to_owned());
        }
        let destructive: Vec<String> = desired
            .iter()
            .zip(&plans)
            .flat_map(|(table, changes)| {
                changes.iter().filter_map(move |change| match change {
                    Change::RemoveIndex(index) | Change::RecreateIndex(index) => {
                        Some(format!("`{}.{index}`", table.name))
                    }
                    _ => None,
                })
            })
            .collect();
        if !destructive.is_empty() && !args.yes && !confirm(&destructive)? {
            return Err(format!(
                "nothing applied: the plan deletes or rebuilds global index {} (queries through it fail until it is rebuilt); pass --yes to apply it",
                destructive.join(", ")
            ));
        }
        for (table, changes) in desired.iter().zip(&plans) {
            if changes.is_empty() {
                continue;
            }
            admin::apply(&client, table, changes).await.map_err(|e| e.to_string())?;
            writeln!(out, "{}: applied", table.name).map_err(|e| e.to_string())?;
        }
        Ok(EXIT_OK)
    })
}

/// Asks on the terminal whether to delete or rebuild `indexes`; `false` without a terminal
/// (CI must say `--yes`).
fn confirm(indexes: &[String]) -> Result<bool, String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!(
        "apply deletes or rebuilds global index {}: continue? [y/N] ",
        indexes.join(", ")
    );
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// `ddbgen import`: the live table's layout and a bounded sample of its items, as a schema.
pub(super) fn import(args: &super::ImportArgs, out: &mut dyn Write) -> Result<u8, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let (Some(endpoint), Some(table)) = (&args.endpoint, &args.table) else {
        return Err("import needs `--endpoint URL --table NAME`, or `--mcp schema.json`".to_owned());
    };
    let client = ddbgen_runtime::client_for(endpoint);
    let text = runtime.block_on(async {
        let layout = ddbgen_runtime::admin::describe(&client, table)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no table `{table}` at {endpoint}"))?;
        let mut sample = Vec::new();
        let mut start = None;
        while sample.len() < args.sample {
            let page = client
                .scan()
                .table_name(table)
                .set_exclusive_start_key(start)
                .limit(i32::try_from(args.sample - sample.len()).unwrap_or(i32::MAX))
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "Scan of `{table}` failed: {}",
                        ddbgen_runtime::aws_sdk_dynamodb::error::DisplayErrorContext(&e)
                    )
                })?;
            sample.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        Ok::<_, String>(crate::import::live::schema(
            &layout,
            &sample,
            &format!("table `{table}`"),
        ))
    })?;
    super::write_out(args.out.as_deref(), &text, out)?;
    Ok(super::EXIT_OK)
}
