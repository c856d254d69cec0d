// The METS 1.12.1 file of one record's package: MODS in a dmdSec, PREMIS provenance in
// the amdSec, the package's files in the fileGrps the DFG-Viewer profile reads (DEFAULT
// page images, FULLTEXT ALTO, DOWNLOAD PDF), a PHYSICAL and a LOGICAL structMap and the
// links between them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/export/mods_writer.h"

namespace pressarchive {

struct PackageFile {
  std::string use;   // DEFAULT, FULLTEXT or DOWNLOAD
  int page = 0;      // 1-based; 0 for a file of the whole record
  std::string href;  // relative to the METS file
  std::string mime_type;
  std::string sha256;  // lowercase hex
  std::uintmax_t size = 0;
};

struct MetsRecord {
  const Record* record = nullptr;
  std::vector<Event> events;       // oldest first
  std::vector<PackageFile> files;  // in fileGrp order, pages ascending
  ModsContext mods;
};

std::string write_mets(const MetsRecord& input);

// When the record last changed: its newest event, or when it was archived.
std::string last_changed(const Record& record, const std::vector<Event>& events);

}  // namespace pressarchive
