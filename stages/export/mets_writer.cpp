#include "stages/export/mets_writer.h"

#include <cstdio>

#include "pipeline/version.h"
#include "stages/export/alto_writer.h"

namespace pressarchive {
namespace {

constexpr const char* kSchemaLocations =
    "http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/version1121/mets.xsd "
    "http://www.loc.gov/mods/v3 http://www.loc.gov/standards/mods/v3/mods-3-6.xsd";

std::string padded(int n, int width) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%0*d", width, n);
  return buffer;
}

std::string file_id(const PackageFile& f) {
  return f.page > 0 ? f.use + "_" + padded(f.page, 8) : f.use;
}

std::string page_div_id(int page) { return "PHYS_" + padded(page, 4); }

// What PREMIS calls the events the archive records.
const char* premis_event_type(const std::string& type) {
  if (type == "ingest") return "ingestion";
  if (type == "reprocess") return "reingestion";
  if (type == "edit") return "metadata modification";
  if (type == "reviewed") return "validation";
  if (type == "link") return "linking";
  if (type == "duplicate" || type == "canonical" || type == "revision") return "linking";
  if (type == "failure") return "ingestion";
  return "other";
}

void write_premis_event(XmlWriter& xml, const std::string& id, const std::string& type, const std::string& at,
                        const std::string& detail, const std::string& outcome, const std::string& agent) {
  xml.open("premis:event").attribute("version", "3.0");
  xml.open("premis:eventIdentifier").element("premis:eventIdentifierType", "local")
      .element("premis:eventIdentifierValue", id).close();
  xml.element("premis:eventType", type);
  xml.element("premis:eventDateTime", at);
  if (!detail.empty()) xml.open("premis:eventDetailInformation").element("premis:eventDetail", detail).close();
  if (!outcome.empty()) xml.open("premis:eventOutcomeInformation").element("premis:eventOutcome", outcome).close();
  if (!agent.empty())
    xml.open("premis:linkingAgentIdentifier").element("premis:linkingAgentIdentifierType", "software")
        .element("premis:linkingAgentIdentifierValue", agent).close();
  xml.close();
}

void open_wrap(XmlWriter& xml, const char* section, const std::string& id, const char* mdtype) {
  xml.open(section).attribute("ID", id);
  xml.open("mets:mdWrap").attribute("MDTYPE", mdtype).open("mets:xmlData");
}

void close_wrap(XmlWriter& xml) { xml.close().close().close(); }

void write_source_object(XmlWriter& xml, const Record& record) {
  open_wrap(xml, "mets:techMD", "TECH_SOURCE", "PREMIS:OBJECT");
  // No xsi:type="premis:file": without the PREMIS schema at hand a validator could not resolve it.
  xml.open("premis:object").attribute("version", "3.0");
  xml.open("premis:objectIdentifier").element("premis:objectIdentifierType", "sha256")
      .element("premis:objectIdentifierValue", record.sha256).close();
  xml.open("premis:objectCharacteristics");
  xml.element("premis:compositionLevel", "0");
  xml.open("premis:fixity").element("premis:messageDigestAlgorithm", "SHA-256")
      .element("premis:messageDigest", record.sha256).close();
  xml.element("premis:size", std::to_string(record.source_size));
  xml.open("premis:format").open("premis:formatDesignation").element("premis:formatName", format_name(record.format))
      .close().close();
  xml.close();  // objectCharacteristics
  if (!record.source_paths.empty()) xml.element("premis:originalName", record.source_paths.front());
  xml.close();  // object
  close_wrap(xml);
}

// The record's events, plus one for its OCR (with the engine versions) after the ingest
// or reprocessing that ran it.
void write_provenance(XmlWriter& xml, const MetsRecord& input) {
  const Record& record = *input.record;
  const Software software = software_of(record);
  bool has_ocr = false;
  for (const PageResult& page : record.pages) has_ocr = has_ocr || page.method == PageMethod::kOcr;
  int n = 0;
  for (const Event& event : input.events) {
    const std::string id = "DIGIPROV_" + padded(++n, 4);
    open_wrap(xml, "mets:digiprovMD", id, "PREMIS:EVENT");
    write_premis_event(xml, "event-" + std::to_string(event.id), premis_event_type(event.type), event.at,
                       event.type + ": " + event.detail, event.outcome, event.agent);
    close_wrap(xml);
    if (has_ocr && (event.type == "ingest" || event.type == "reprocess")) {
      open_wrap(xml, "mets:digiprovMD", "DIGIPROV_" + padded(++n, 4), "PREMIS:EVENT");
      write_premis_event(xml, "event-" + std::to_string(event.id) + "-ocr", "optical character recognition",
                         event.at,
                         "Tesseract " + software.tesseract + ", Leptonica " + software.leptonica +
                             (software.poppler.empty() ? "" : ", Poppler " + software.poppler),
                         event.outcome, "tesseract " + software.tesseract);
      close_wrap(xml);
    }
  }
}

void write_file_sec(XmlWriter& xml, const std::vector<PackageFile>& files) {
  if (files.empty()) return;  // METS allows no empty fileSec
  xml.open("mets:fileSec");
  for (const char* use : {"DEFAULT", "FULLTEXT", "DOWNLOAD"}) {
    bool open = false;
    for (const PackageFile& f : files) {
      if (f.use != use) continue;
      if (!open) xml.open("mets:fileGrp").attribute("USE", use);
      open = true;
      xml.open("mets:file").attribute("ID", file_id(f)).attribute("MIMETYPE", f.mime_type)
          .attribute("SIZE", std::to_string(f.size)).attribute("CHECKSUM", f.sha256)
          .attribute("CHECKSUMTYPE", "SHA-256");
      xml.open("mets:FLocat").attribute("LOCTYPE", "URL").attribute("xlink:href", f.href).close();
      xml.close();
    }
    if (open) xml.close();
  }
  xml.close();
}

void write_struct_maps(XmlWriter& xml, const MetsRecord& input) {
  const Record& record = *input.record;
  const int pages = static_cast<int>(record.pages.size());
  xml.open("mets:structMap").attribute("TYPE", "PHYSICAL");
  xml.open("mets:div").attribute("ID", "PHYS_0000").attribute("TYPE", "physSequence");
  for (int p = 1; p <= pages; ++p) {
    xml.open("mets:div").attribute("ID", page_div_id(p)).attribute("TYPE", "page")
        .attribute("ORDER", std::to_string(p)).attribute("ORDERLABEL", std::to_string(p));
    for (const PackageFile& f : input.files)
      if (f.page == p) xml.open("mets:fptr").attribute("FILEID", file_id(f)).close();
    xml.close();
  }
  xml.close().close();
  xml.open("mets:structMap").attribute("TYPE", "LOGICAL");
  xml.open("mets:div").attribute("ID", "LOG_0000").attribute("TYPE", "press_release").attribute("DMDID", "DMD_0000")
      .attribute("ADMID", "AMD_0000");
  xml.optional_attribute("LABEL", record.metadata.title);
  for (const PackageFile& f : input.files)
    if (f.page == 0) xml.open("mets:fptr").attribute("FILEID", file_id(f)).close();
  xml.close().close();
  xml.open("mets:structLink");
  for (int p = 1; p <= pages; ++p)
    xml.open("mets:smLink").attribute("xlink:from", "LOG_0000").attribute("xlink:to", page_div_id(p)).close();
  xml.close();
}

}  // namespace

std::string last_changed(const Record& record, const std::vector<Event>& events) {
  std::string latest = record.created_at;
  for (const Event& e : events)
    if (e.at > latest) latest = e.at;
  return latest;
}

std::string write_mets(const MetsRecord& input) {
  const Record& record = *input.record;
  XmlWriter xml;
  xml.open("mets:mets")
      .attribute("xmlns:mets", "http://www.loc.gov/METS/")
      .attribute("xmlns:mods", "http://www.loc.gov/mods/v3")
      .attribute("xmlns:premis", "http://www.loc.gov/premis/v3")
      .attribute("xmlns:xlink", "http://www.w3.org/1999/xlink")
      .attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
      .attribute("xsi:schemaLocation", kSchemaLocations)
      .attribute("OBJID", "pressarchive-record-" + std::to_string(record.id))
      .optional_attribute("LABEL", record.metadata.title)
      .attribute("TYPE", "press_release");
  xml.open("mets:metsHdr").optional_attribute("CREATEDATE", record.created_at)
      .optional_attribute("LASTMODDATE", last_changed(record, input.events));
  xml.open("mets:agent").attribute("ROLE", "CREATOR").attribute("TYPE", "OTHER").attribute("OTHERTYPE", "SOFTWARE")
      .element("mets:name", std::string("pressarchive ") + kVersion).close();
  if (!input.mods.organisation.empty())
    xml.open("mets:agent").attribute("ROLE", "CUSTODIAN").attribute("TYPE", "ORGANIZATION")
        .element("mets:name", input.mods.organisation).close();
  xml.close();
  xml.open("mets:dmdSec").attribute("ID", "DMD_0000");
  xml.open("mets:mdWrap").attribute("MDTYPE", "MODS").open("mets:xmlData");
  write_mods(xml, record, input.mods);
  xml.close().close().close();
  xml.open("mets:amdSec").attribute("ID", "AMD_0000");
  write_source_object(xml, record);
  write_provenance(xml, input);
  xml.close();
  write_file_sec(xml, input.files);
  write_struct_maps(xml, input);
  return xml.finish();
}

}  // namespace pressarchive
