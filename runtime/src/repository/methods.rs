//! The method names of the runtime's generic repository and update builder, which generated
//! names must leave free. The generator compiles this same file (`codegen/src/ir/methods.rs`
//! is a link to it), so its clash check cannot fall out of step with the runtime.

/// The methods of `Repository` (its own and the standard traits' it
/// implements). A query method, index or access pattern named like one of these is refused at
/// `validate`: the repository's method would hide the generated one.
pub const REPOSITORY_METHODS: &[&str] = &[
    "new",
    "from_table",
    "with_table_prefix",
    "with_table_name",
    "with_cursor_key",
    "with_clock",
    "with_consumed_capacity",
    "with_retry_policy",
    "with_fast_reads",
    "table",
    "reads",
    "create",
    "create_if",
    "get",
    "get_consistent",
    "exists",
    "replace",
    "replace_if",
    "upsert",
    "update",
    "delete",
    "delete_item",
    "delete_if",
    "batch_get",
    "batch_put",
    "batch_delete",
    "transact_get",
    "transaction",
    "transact_create",
    "transact_replace",
    "transact_delete",
    "transact_delete_item",
    "transact_check",
    "scan",
    "create_table",
    "delete_table",
    "deref",
    "clone",
    "fmt",
];

/// The methods every generated update builder has besides its setters: those it forwards to
/// `Update`, `from`, and `apply` (which applies the table's patch type).
pub const UPDATE_METHODS: &[&str] = &["from", "send", "expect_version", "only_if", "transact", "apply"];
