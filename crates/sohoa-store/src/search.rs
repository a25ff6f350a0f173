//! Full-text search over record metadata (FTS5, ranked by bm25).

use rusqlite::params;

use crate::records::{RECORD_COLS, collect, filter_sql, raw_record};
use crate::types::{ListFilter, RecordRow};
use crate::{Store, StoreError};

/// Turns what an officer typed into an FTS5 query that cannot be misread as syntax: the text is cut at
/// every character that is not a letter or digit (FTS5's own tokenizer would cut there too; so no piece
/// contains a quote), and each piece becomes a quoted prefix term, all of which must match. `"`, `*`, `-`, `:`, `(`, `NEAR`, `AND`
/// lose any special meaning. Returns `None` when nothing searchable is left.
pub(crate) fn match_expression(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{}\"*", fold(t)))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

/// The same folding the index triggers apply (see the FTS migration): "đ" is not a combining mark.
fn fold(term: &str) -> String {
    term.replace('đ', "d").replace('Đ', "D")
}

impl Store {
    /// Records matching every word of `query` (accent-insensitive prefix match over title, owner id and
    /// name, storage key and the engine's search text), best first. Any string is a valid query.
    pub fn search(&self, query: &str, filter: &ListFilter) -> Result<Vec<RecordRow>, StoreError> {
        let Some(expr) = match_expression(&crate::text::nfc(query)) else {
            return Ok(Vec::new());
        };
        let (cond, trash, kind, owner, limit, offset) = filter_sql(filter);
        // Identifiers weigh more than free text: a hit on the owner's ID number or the storage key is
        // almost certainly the record the officer means.
        let sql = format!(
            "SELECT {RECORD_COLS} FROM records_fts JOIN records r ON r.rid = records_fts.rowid
             WHERE records_fts MATCH ?6 AND {cond}
             ORDER BY bm25(records_fts, 4.0, 10.0, 6.0, 10.0, 1.0), r.rid DESC
             LIMIT ?4 OFFSET ?5"
        );
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(params![trash, kind, owner, limit, offset, expr], raw_record)?;
            collect(rows)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_characters_are_neutralised() {
        assert_eq!(
            match_expression(r#"a"b NEAR(c* -d:e"#).as_deref(),
            Some(r#""a"* "b"* "NEAR"* "c"* "d"* "e"*"#)
        );
        assert_eq!(
            match_expression("Nguyễn Văn").as_deref(),
            Some(r#""Nguyễn"* "Văn"*"#)
        );
        assert_eq!(match_expression("Đặng đức").as_deref(), Some(r#""Dặng"* "dức"*"#));
        assert_eq!(match_expression(r#" "* - : "#), None);
        assert_eq!(match_expression(""), None);
    }
}
