// The line-per-record formats by name.
#include <memory>

#include "stages/export/csv_writer.h"
#include "stages/export/jsonl_writer.h"
#include "stages/export/record_writer.h"

namespace pressarchive {

std::unique_ptr<RecordWriter> make_record_writer(const std::string& format, std::ostream& out) {
  if (format == "jsonl") return std::make_unique<JsonlWriter>(out);
  if (format == "csv") return std::make_unique<CsvWriter>(out);
  return nullptr;
}

}  // namespace pressarchive
