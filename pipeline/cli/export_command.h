// `pressarchive export`: records out of the archive as JSON Lines, CSV or METS packages.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "pipeline/config.h"

namespace pressarchive {

struct ExportRequest {
  std::string format = "jsonl";   // jsonl, csv or mets
  std::string out;                // a file (jsonl, csv; "" or "-": stdout) or a folder (mets)
  std::vector<std::int64_t> ids;  // only these records; empty: all
  std::string since;              // only records archived or changed since (YYYY-MM-DD[THH:MM:SSZ])
  bool include_failures = false;  // jsonl, csv: a line per open failure too
  bool bag = false;               // mets: each package as a BagIt bag
  bool images = true;             // mets: page images and the searchable PDF
  bool progress = false;          // a progress line on stderr
};

// Exit codes: 0 every record exported; 3 some records could not be (each named on
// stderr, the rest exported); 6 an --id that is not in the archive; 2 usage; 4 archive.
int run_export(const Settings& settings, const ExportRequest& request, std::ostream& out,
               std::ostream& err);

// `export --format jsonl` of every record, as the tests and tools call it.
int run_export(const std::string& store, const std::string& format, const std::string& out_file,
               bool include_failures, std::ostream& out, std::ostream& err);

// True for YYYY-MM-DD, optionally followed by THH:MM or THH:MM:SS and a Z.
bool is_iso_date_or_time(const std::string& text);

}  // namespace pressarchive
