//! Validation: rules checked before every write, every failure of an item reported at once,
//! each with the path of its field (`authors[2].name`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Where a value sits in an item. Built on the stack while validating; rendered to text only
/// when a rule fails.
///
/// ```
/// use ddbgen_runtime::FieldPath;
///
/// let root = FieldPath::Root;
/// let authors = root.field("authors");
/// let second = authors.index(1);
/// assert_eq!(second.field("name").to_string(), "authors[1].name");
/// ```
#[derive(Debug, Clone, Copy)]
pub enum FieldPath<'a> {
    /// The item itself.
    Root,
    /// A field of the value at the inner path.
    Field(&'a FieldPath<'a>, &'a str),
    /// An element of the list at the inner path.
    Index(&'a FieldPath<'a>, usize),
    /// An entry of the map at the inner path.
    Key(&'a FieldPath<'a>, &'a str),
}

impl<'a> FieldPath<'a> {
    /// The path of field `name` below this one.
    pub fn field(&'a self, name: &'a str) -> FieldPath<'a> {
        FieldPath::Field(self, name)
    }

    /// The path of element `index` below this one.
    pub fn index(&'a self, index: usize) -> FieldPath<'a> {
        FieldPath::Index(self, index)
    }

    /// The path of map entry `key` below this one.
    pub fn key(&'a self, key: &'a str) -> FieldPath<'a> {
        FieldPath::Key(self, key)
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::Root => Ok(()),
            FieldPath::Field(FieldPath::Root, name) => f.write_str(name),
            FieldPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            FieldPath::Index(parent, i) => write!(f, "{parent}[{i}]"),
            FieldPath::Key(parent, key) => write!(f, "{parent}[{key:?}]"),
        }
    }
}

/// One failed rule.
///
/// ```
/// use ddbgen_runtime::{FieldPath, ValidationErrors};
///
/// let mut errors = ValidationErrors::new();
/// errors.push(&FieldPath::Root.field("title"), "is empty");
/// assert_eq!(errors.errors()[0].path, "title");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field (`authors[2].name`).
    pub path: String,
    /// What is wrong (`length 0 is below min_length 1`).
    pub message: String,
}

/// Every failed rule of one item.
///
/// ```
/// use ddbgen_runtime::{FieldPath, ValidationErrors, rules};
///
/// let mut errors = ValidationErrors::new();
/// let root = FieldPath::Root;
/// rules::max_length(&root.field("isbn"), "978-3-16-148410-0-X", 17, &mut errors);
/// rules::min(&root.field("published_year"), &1200u16, 1450, &mut errors);
/// assert_eq!(errors.errors().len(), 2); // every failure at once
/// assert!(errors.into_result().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors {
    errors: Vec<FieldError>,
}

impl ValidationErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a failed rule at `path`.
    pub fn push(&mut self, path: &FieldPath<'_>, message: impl Into<String>) {
        self.errors.push(FieldError {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// The failures, in the order the fields are declared.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// Whether every rule passed.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` when every rule passed.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.path, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// A value whose rules can be checked: generated nested types, and collections of them.
///
/// ```
/// use ddbgen_runtime::{FieldPath, Validate, ValidationErrors, rules};
///
/// struct Author { name: String }
///
/// impl Validate for Author {
///     fn validate_at(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
///         rules::non_empty(&path.field("name"), self.name.as_str(), errors);
///     }
/// }
///
/// let mut errors = ValidationErrors::new();
/// vec![Author { name: "".into() }].validate_at(&FieldPath::Root.field("authors"), &mut errors);
/// assert_eq!(errors.errors()[0].path, "authors[0].name");
/// ```
pub trait Validate {
    /// Checks every rule below `path`, recording failures in `errors`.
    fn validate_at(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors);

    /// Checks every rule; all failures are returned together, each with its field path.
    /// Generated items and creation inputs have it as an inherent method too.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        self.validate_at(&FieldPath::Root, &mut errors);
        errors.into_result()
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        if let Some(value) = self {
            value.validate_at(path, errors);
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate_at(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        (**self).validate_at(path, errors);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        self.as_slice().validate_at(path, errors);
    }
}

impl<T: Validate> Validate for [T] {
    fn validate_at(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        for (i, value) in self.iter().enumerate() {
            value.validate_at(&path.index(i), errors);
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_at(&self, path: &FieldPath<'_>, errors: &mut ValidationErrors) {
        for (key, value) in self {
            value.validate_at(&path.key(key), errors);
        }
    }
}

/// The rule checks generated `validate` methods call.
pub mod rules {
    use super::*;

    /// A value with a length: characters of a string, elements of a collection.
    pub trait Length {
        /// The length.
        fn length(&self) -> usize;
    }

    impl Length for str {
        fn length(&self) -> usize {
            self.chars().count()
        }
    }

    impl Length for String {
        fn length(&self) -> usize {
            self.as_str().length()
        }
    }

    impl<T> Length for [T] {
        fn length(&self) -> usize {
            self.len()
        }
    }

    impl<T> Length for Vec<T> {
        fn length(&self) -> usize {
            self.len()
        }
    }

    impl<T> Length for BTreeSet<T> {
        fn length(&self) -> usize {
            self.len()
        }
    }

    impl<K, V> Length for BTreeMap<K, V> {
        fn length(&self) -> usize {
            self.len()
        }
    }

    /// A float DynamoDB can store: not NaN, not infinite. Checked on every `f64` field.
    pub fn finite(path: &FieldPath<'_>, value: f64, errors: &mut ValidationErrors) {
        if !value.is_finite() {
            errors.push(path, format!("{value} cannot be stored: DynamoDB numbers are finite"));
        }
    }

    /// `min`: the value is at least `min`.
    pub fn min<T: PartialOrd + fmt::Display>(path: &FieldPath<'_>, value: &T, min: T, errors: &mut ValidationErrors) {
        if *value < min {
            errors.push(path, format!("{value} is below min {min}"));
        }
    }

    /// `max`: the value is at most `max`.
    pub fn max<T: PartialOrd + fmt::Display>(path: &FieldPath<'_>, value: &T, max: T, errors: &mut ValidationErrors) {
        if *value > max {
            errors.push(path, format!("{value} is above max {max}"));
        }
    }

    /// `min_length`.
    pub fn min_length<T: Length + ?Sized>(path: &FieldPath<'_>, value: &T, min: usize, errors: &mut ValidationErrors) {
        let length = value.length();
        if length < min {
            errors.push(path, format!("length {length} is below min_length {min}"));
        }
    }

    /// `max_length`.
    pub fn max_length<T: Length + ?Sized>(path: &FieldPath<'_>, value: &T, max: usize, errors: &mut ValidationErrors) {
        let length = value.length();
        if length > max {
            errors.push(path, format!("length {length} is above max_length {max}"));
        }
    }

    /// `non_empty`.
    pub fn non_empty<T: Length + ?Sized>(path: &FieldPath<'_>, value: &T, errors: &mut ValidationErrors) {
        if value.length() == 0 {
            errors.push(path, "is empty");
        }
    }

    /// A vector for a vector index: exactly `dimensions` numbers, each finite and within
    /// `f32`'s range, which is how the index stores them.
    pub fn vector(path: &FieldPath<'_>, value: &[f64], dimensions: usize, errors: &mut ValidationErrors) {
        if value.len() != dimensions {
            errors.push(
                path,
                format!("has {} dimensions; the vector's are {dimensions}", value.len()),
            );
            return;
        }
        if let Some(i) = value
            .iter()
            .position(|x| !x.is_finite() || x.abs() > f64::from(f32::MAX))
        {
            errors.push(&path.index(i), "is not a finite number within f32's range");
        }
    }

    /// `pattern`: the string matches the regular expression.
    pub fn pattern(path: &FieldPath<'_>, value: &str, regex: &regex::Regex, errors: &mut ValidationErrors) {
        if !regex.is_match(value) {
            errors.push(path, format!("does not match pattern {:?}", regex.as_str()));
        }
    }

    /// `one_of`: the value is one of `allowed`.
    pub fn one_of<T: PartialEq + fmt::Debug + ?Sized>(
        path: &FieldPath<'_>,
        value: &T,
        allowed: &[&T],
        errors: &mut ValidationErrors,
    ) {
        if !allowed.contains(&value) {
            errors.push(path, format!("{value:?} is not one of {allowed:?}"));
        }
    }

    /// A date or time in a composite key sorts correctly only with a year from 0 to 9999.
    pub fn four_digit_year<T: chrono::Datelike>(path: &FieldPath<'_>, value: &T, errors: &mut ValidationErrors) {
        if !(0..=9999).contains(&value.year()) {
            errors.push(
                path,
                format!(
                    "year {} is outside 0..=9999, so the sort key would not sort",
                    value.year()
                ),
            );
        }
    }

    /// `custom`: the result of a user function.
    pub fn custom(path: &FieldPath<'_>, result: Result<(), String>, errors: &mut ValidationErrors) {
        if let Err(message) = result {
            errors.push(path, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_field_access() {
        let root = FieldPath::Root;
        let authors = root.field("authors");
        let second = authors.index(2);
        let name = second.field("name");
        assert_eq!(name.to_string(), "authors[2].name");
        let mut errors = ValidationErrors::new();
        rules::min_length(&name, &String::new(), 1, &mut errors);
        rules::max(&root.field("year"), &2200u16, 2100, &mut errors);
        assert_eq!(
            errors.to_string(),
            "authors[2].name: length 0 is below min_length 1; year: 2200 is above max 2100"
        );
    }
}
