// The record's descriptive metadata as MODS 3.6, for the dmdSec of its METS file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "stages/core/model.h"
#include "stages/export/xml_writer.h"

namespace pressarchive {

// ISO 639-2/B ("ger") of an ISO 639-1 code ("de"); "" when unknown.
std::string iso639_2b(const std::string& iso639_1);

struct ModsContext {
  std::string organisation;               // recordContentSource, "" when not configured
  std::optional<std::int64_t> canonical;  // the canonical record of its cluster
};

// Writes <mods:mods> (the mods prefix must be declared by the caller).
void write_mods(XmlWriter& xml, const Record& record, const ModsContext& context);

}  // namespace pressarchive
