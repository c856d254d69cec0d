// dedup_records: dedup_eval's second part, on tests/dedup-set/records/ (whole record texts
// with letterhead, kicker, dateline, author line, title, body and closing lines).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stages/near_dup/near_duplicates.h"

// Reads `dir`/pairs.jsonl and its texts, extracts each record's metadata with the built-in
// rules, signs it as version 1 (body) and version 2 (whole text) and prints precision,
// recall and hard negatives merged per half and version. Returns 0 when the held-out half
// meets the targets under version 2 (precision 1.00, recall >= 0.98, no hard negative
// merged), 1 when it does not, 2 on unreadable input.
int evaluate_record_pairs(const std::string& dir,
                          const pressarchive::NearDuplicateOptions& options);

// The JSON objects of `dir`/pairs.jsonl, one a line (blank lines skipped). False, with the
// reason on stderr, when the file cannot be read or a line is not a JSON object.
bool read_pairs_file(const std::string& dir, std::vector<nlohmann::json>& objects);
