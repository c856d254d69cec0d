#include "stages/export/mods_writer.h"

#include <algorithm>
#include <map>

namespace pressarchive {
namespace {

void write_identifier(XmlWriter& xml, const char* type, const std::string& value) {
  xml.open("mods:identifier").attribute("type", type).text(value).close();
}

void write_related_record(XmlWriter& xml, const char* type, const char* label, std::int64_t id) {
  xml.open("mods:relatedItem").attribute("type", type).attribute("displayLabel", label);
  write_identifier(xml, "pressarchive-record", std::to_string(id));
  xml.close();
}

void write_title(XmlWriter& xml, const Metadata& m) {
  if (m.title.empty() && m.subtitle.empty()) return;
  xml.open("mods:titleInfo");
  if (!m.title.empty()) xml.element("mods:title", m.title);
  if (!m.subtitle.empty()) xml.element("mods:subTitle", m.subtitle);
  xml.close();
}

void write_names(XmlWriter& xml, const Metadata& m) {
  if (!m.issuer.empty()) {
    xml.open("mods:name").attribute("type", "corporate");
    xml.element("mods:namePart", m.issuer);
    xml.open("mods:role");
    xml.open("mods:roleTerm")
        .attribute("type", "code")
        .attribute("authority", "marcrelator")
        .text("isb")
        .close();
    xml.open("mods:roleTerm")
        .attribute("type", "text")
        .attribute("authority", "marcrelator")
        .text("Issuing body")
        .close();
    xml.close().close();
  }
  for (const Person& person : m.persons) {
    xml.open("mods:name").attribute("type", "personal");
    xml.element("mods:namePart", person.name);
    if (!person.role.empty()) xml.element("mods:description", person.role);
    xml.close();
  }
}

void write_origin(XmlWriter& xml, const Metadata& m) {
  if (m.place.empty() && m.release_date.empty() && m.issuer.empty()) return;
  xml.open("mods:originInfo").attribute("eventType", "publication");
  if (!m.place.empty())
    xml.open("mods:place")
        .open("mods:placeTerm")
        .attribute("type", "text")
        .text(m.place)
        .close()
        .close();
  if (!m.issuer.empty()) xml.element("mods:publisher", m.issuer);
  if (!m.release_date.empty())
    xml.open("mods:dateIssued")
        .attribute("encoding", "iso8601")
        .attribute("keyDate", "yes")
        .text(m.release_date)
        .close();
  xml.close();
}

void write_physical(XmlWriter& xml, const Record& record) {
  xml.open("mods:physicalDescription");
  xml.element("mods:internetMediaType", media_type(record.format));
  xml.open("mods:extent")
      .attribute("unit", "pages")
      .text(std::to_string(record.pages.size()))
      .close();
  xml.element("mods:digitalOrigin",
              record.kind == RecordKind::kBornDigital ? "born digital" : "reformatted digital");
  xml.close();
}

void write_record_info(XmlWriter& xml, const Record& record, const ModsContext& context) {
  xml.open("mods:recordInfo");
  if (!context.organisation.empty()) xml.element("mods:recordContentSource", context.organisation);
  if (!record.created_at.empty())
    xml.open("mods:recordCreationDate")
        .attribute("encoding", "iso8601")
        .text(record.created_at)
        .close();
  xml.open("mods:recordIdentifier")
      .attribute("source", "pressarchive")
      .text(std::to_string(record.id))
      .close();
  std::string origin = "fields extracted by pressarchive from the document's text";
  if (!record.manual_fields.empty()) {
    origin += "; corrected by hand:";
    for (const std::string& field : record.manual_fields) origin += " " + field;
  }
  xml.element("mods:recordOrigin", origin);
  xml.close();
}

}  // namespace

std::string iso639_2b(const std::string& code) {
  static const std::map<std::string, std::string> table = {
      {"bg", "bul"}, {"cs", "cze"}, {"da", "dan"}, {"de", "ger"}, {"el", "gre"}, {"en", "eng"},
      {"es", "spa"}, {"et", "est"}, {"fi", "fin"}, {"fr", "fre"}, {"ga", "gle"}, {"hr", "hrv"},
      {"hu", "hun"}, {"it", "ita"}, {"la", "lat"}, {"lb", "ltz"}, {"lt", "lit"}, {"lv", "lav"},
      {"nl", "dut"}, {"no", "nor"}, {"pl", "pol"}, {"pt", "por"}, {"ro", "rum"}, {"ru", "rus"},
      {"sk", "slo"}, {"sl", "slv"}, {"sv", "swe"}, {"tr", "tur"}, {"uk", "ukr"}};
  const auto it = table.find(code);
  return it == table.end() ? "" : it->second;
}

void write_mods(XmlWriter& xml, const Record& record, const ModsContext& context) {
  const Metadata& m = record.metadata;
  xml.open("mods:mods").attribute("version", "3.6");
  write_title(xml, m);
  write_names(xml, m);
  xml.element("mods:typeOfResource", "text");
  if (!m.document_type.empty()) xml.element("mods:genre", m.document_type);
  write_origin(xml, m);
  if (const std::string code = iso639_2b(m.language); !code.empty())
    xml.open("mods:language")
        .open("mods:languageTerm")
        .attribute("type", "code")
        .attribute("authority", "iso639-2b")
        .text(code)
        .close()
        .close();
  write_physical(xml, record);
  write_identifier(xml, "pressarchive-record", std::to_string(record.id));
  write_identifier(xml, "sha256", record.sha256);
  if (context.canonical && *context.canonical != record.id)
    write_related_record(xml, "otherVersion", "canonical record of the same release",
                         *context.canonical);
  if (record.revision_of)
    write_related_record(xml, "preceding", "release this one revises", *record.revision_of);
  if (record.needs_review)
    for (const std::string& reason : record.review_reasons)
      xml.open("mods:note").attribute("type", "pressarchive-review").text(reason).close();
  write_record_info(xml, record, context);
  xml.close();
}

}  // namespace pressarchive
