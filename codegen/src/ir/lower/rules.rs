//! Validation rules: each checked against the field's type, bounds as exact literals.

use std::cmp::Ordering;

use super::Structure;
use super::report::Report;
use crate::ir::{FieldType, Literal, Rules, Scalar};
use crate::schema::YamlPath;
use crate::schema::model::RulesDef;

impl Structure<'_> {
    pub(super) fn rules(&mut self, def: &RulesDef, ty: &FieldType, path: &YamlPath) -> Rules {
        let mut rules = Rules {
            min_length: def.min_length,
            max_length: def.max_length,
            non_empty: def.non_empty,
            custom: def.custom.clone(),
            ..Rules::default()
        };
        let numeric = matches!(ty, FieldType::Scalar(Scalar::Int(_) | Scalar::F64 | Scalar::Decimal));
        let has_length = matches!(
            ty,
            FieldType::Scalar(Scalar::String | Scalar::Bytes)
                | FieldType::Set(_)
                | FieldType::List(_)
                | FieldType::Map(_)
        );
        for (key, value) in [("min", &def.min), ("max", &def.max)] {
            let Some(value) = value else { continue };
            if !numeric {
                self.error(
                    &path.child(key),
                    format!("`{key}` applies to numbers"),
                    "use `min_length`/`max_length` for strings and collections",
                );
                continue;
            }
            let bound = self.number(value, ty, &path.child(key), &format!("`{key}` "));
            if key == "min" {
                rules.min = bound;
            } else {
                rules.max = bound;
            }
        }
        if let (Some(min), Some(max)) = (&rules.min, &rules.max)
            && min.compare(max) == Some(Ordering::Greater)
        {
            self.error(
                &path.child("max"),
                format!("`max` {} is below `min` {}", max.display(), min.display()),
                "swap them",
            );
        }
        for (key, set) in [
            ("min_length", def.min_length.is_some()),
            ("max_length", def.max_length.is_some()),
            ("non_empty", def.non_empty),
        ] {
            if set && !has_length {
                self.error(
                    &path.child(key),
                    format!("`{key}` applies to strings, bytes and collections"),
                    "use `min`/`max` for numbers",
                );
            }
        }
        if let (Some(min), Some(max)) = (def.min_length, def.max_length)
            && min > max
        {
            self.error(
                &path.child("max_length"),
                format!("`max_length` {max} is below `min_length` {min}"),
                "swap them",
            );
        }
        if let Some(pattern) = &def.pattern {
            if ty != &FieldType::Scalar(Scalar::String) {
                self.error(
                    &path.child("pattern"),
                    "`pattern` applies to strings",
                    "remove it, or make the field a `string`",
                );
            } else if let Err(e) = regex::Regex::new(pattern) {
                let text = e.to_string();
                let last_line = text.lines().last().unwrap_or_default().trim().to_owned();
                let first_line = last_line.strip_prefix("error: ").unwrap_or(&last_line).to_owned();
                let message = format!("invalid regular expression: {first_line}");
                // The regex error repeats the pattern indented by four spaces, with carets
                // under the offending part on the next line.
                let carets = text.lines().find(|l| l.trim_start().starts_with('^'));
                let diagnostic = match carets {
                    Some(carets) => {
                        let offset = carets.chars().take_while(|c| *c == ' ').count().saturating_sub(4);
                        let width = carets.trim().chars().count();
                        self.file
                            .error_inside(&path.child("pattern"), pattern, offset, width, message)
                    }
                    None => self.file.error_at(&path.child("pattern"), message),
                };
                self.errors
                    .push(diagnostic.with_help("patterns use Rust `regex` syntax"));
            } else {
                rules.pattern = Some(pattern.clone());
            }
        }
        if let Some(values) = &def.one_of {
            if !matches!(ty, FieldType::Scalar(Scalar::String | Scalar::Int(_))) {
                self.error(
                    &path.child("one_of"),
                    "`one_of` applies to strings and integers",
                    "for a closed set of names declare an enum under `types:`",
                );
            } else {
                for (i, value) in values.iter().enumerate() {
                    if let Some(v) = self.literal(value, ty, &path.child("one_of").child(i)) {
                        rules.one_of.push(v);
                    }
                }
            }
        }
        if let Some(custom) = &def.custom
            && syn::parse_str::<syn::Path>(custom).is_err()
        {
            self.error(
                &path.child("custom"),
                format!("`{custom}` is not a Rust path"),
                "name a function: `crate::rules::check_isbn`",
            );
            rules.custom = None;
        }
        rules
    }
}

/// The rule a literal breaks, if any (compared exactly: no `f64` for integers or decimals).
pub(super) fn violates(value: &Literal, rules: &Rules) -> Option<String> {
    if let Some(min) = &rules.min
        && value.compare(min) == Some(Ordering::Less)
    {
        return Some(format!("below min {}", min.display()));
    }
    if let Some(max) = &rules.max
        && value.compare(max) == Some(Ordering::Greater)
    {
        return Some(format!("above max {}", max.display()));
    }
    if let Literal::String(s) = value {
        let len = s.chars().count() as u64;
        if rules.min_length.is_some_and(|m| len < m) || (rules.non_empty && len == 0) {
            return Some(format!(
                "length {len} is below min_length {}",
                rules.min_length.unwrap_or(1)
            ));
        }
        if rules.max_length.is_some_and(|m| len > m) {
            return Some(format!(
                "length {len} is above max_length {}",
                rules.max_length.unwrap_or_default()
            ));
        }
        if let Some(pattern) = &rules.pattern
            && regex::Regex::new(pattern).is_ok_and(|re| !re.is_match(s))
        {
            return Some(format!("does not match pattern {pattern:?}"));
        }
    }
    if !rules.one_of.is_empty() && !rules.one_of.contains(value) {
        return Some("not one of `one_of`".to_owned());
    }
    None
}
