#include "stages/engines/image_engine.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "stages/engines/area_map_rotation.h"
#include "stages/engines/page_pix.h"

namespace pressarchive {
namespace {

// Leptonica reports every decoding problem on stderr; failures are reported per file
// by the pipeline instead.
struct SilenceLeptonicaOnce {
  SilenceLeptonicaOnce() { setMsgSeverity(L_SEVERITY_NONE); }
};
void silence() { static SilenceLeptonicaOnce once; }

// Converts any Pix to an 8-bit grey PageImage.
Result<PageImage> from_pix(PIX* source, int fallback_dpi) {
  PageImage image;
  image.bilevel = pixGetDepth(source) == 1;
  const int dpi = pixGetXRes(source);
  image.dpi = (dpi >= 50 && dpi <= 2400) ? dpi : fallback_dpi;
  image.width = pixGetWidth(source);
  image.height = pixGetHeight(source);
  if (image.bilevel && !pixGetColormap(source)) {
    // As pixConvertTo8 expands it: black to 0, white to 255.
    image.pixels.resize(static_cast<std::size_t>(image.width) * image.height);
    const l_uint32* data = pixGetData(source);
    const int wpl = pixGetWpl(source);
    for (int y = 0; y < image.height; ++y) {
      const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
      std::uint8_t* row = &image.pixels[static_cast<std::size_t>(y) * image.width];
      for (int x = 0; x < image.width; ++x)
        row[x] = (line[x >> 5] >> (31 - (x & 31))) & 1 ? 0 : 255;
    }
    return image;
  }
  PixPtr flat;
  if (pixGetDepth(source) == 32 && pixGetSpp(source) == 4)
    flat.reset(pixAlphaBlendUniform(source, 0xffffff00));
  PixPtr grey(pixConvertTo8(flat ? flat.get() : source, 0));
  if (!grey) return make_error(Reason::kUnsupported, "image depth cannot be converted to grey");
  image.width = pixGetWidth(grey.get());
  image.height = pixGetHeight(grey.get());
  image.pixels.resize(static_cast<std::size_t>(image.width) * image.height);
  const l_uint32* data = pixGetData(grey.get());
  const int wpl = pixGetWpl(grey.get());
  for (int y = 0; y < image.height; ++y) {
    const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    std::uint8_t* row = &image.pixels[static_cast<std::size_t>(y) * image.width];
    int x = 0;
    for (; x + 4 <= image.width; x += 4) {
      const std::uint32_t four = __builtin_bswap32(line[x / 4]);
      std::memcpy(row + x, &four, 4);
    }
    for (; x < image.width; ++x) row[x] = GET_DATA_BYTE(line, x);
  }
  return image;
}

// Walks the chain of TIFF directories (classic and BigTIFF) without decoding anything, up
// to directory `last` (0-based), and reads each one's ImageWidth and ImageLength (-1 when
// absent). A chain that loops back is a known way to make TIFF readers run forever.
// Reading the sizes here rather than through Leptonica's readHeaderTiff: that leaks the
// TIFF handle when libtiff refuses directory n (LeakSanitizer, fuzz/loader_fuzzer).
Result<std::vector<ImageSize>> tiff_directories(const std::filesystem::path& path, int last) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Reason::kIo, path.string() + ": cannot open for reading");
  unsigned char header[16] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  const bool little = header[0] == 'I';
  auto number = [little](const unsigned char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | (little ? p[bytes - 1 - i] : p[i]);
    return v;
  };
  const bool big = number(header + 2, 2) == 43;
  const int offset_bytes = big ? 8 : 4, count_bytes = big ? 8 : 2, entry_bytes = big ? 20 : 12;
  // libtiff refuses directories with more entries ("sanity check on directory count").
  constexpr std::uint64_t kMaxEntries = 4096;
  std::uint64_t offset = big ? number(header + 8, 8) : number(header + 4, 4);
  std::set<std::uint64_t> seen;
  std::vector<ImageSize> pages;
  std::vector<unsigned char> entry_bytes_buf;
  while (offset != 0 && static_cast<int>(pages.size()) <= last) {
    if (!seen.insert(offset).second)
      return make_error(Reason::kUnreadable,
                        path.string() + ": TIFF directory chain loops back on itself");
    if (pages.size() >= 100000)
      return make_error(Reason::kTooLarge, path.string() + ": more than 100000 TIFF pages");
    unsigned char buf[8];
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(reinterpret_cast<char*>(buf), count_bytes))
      return make_error(Reason::kUnreadable,
                        path.string() + ": TIFF directory points past the end of the file");
    const std::uint64_t entries = number(buf, count_bytes);
    ImageSize size{-1, -1, 0};
    if (entries <= kMaxEntries) {
      entry_bytes_buf.resize(static_cast<std::size_t>(entries * entry_bytes));
      if (!in.read(reinterpret_cast<char*>(entry_bytes_buf.data()),
                   static_cast<std::streamsize>(entry_bytes_buf.size())))
        return make_error(Reason::kUnreadable, path.string() + ": TIFF directory is truncated");
      for (std::uint64_t e = 0; e < entries; ++e) {
        const unsigned char* entry = entry_bytes_buf.data() + e * entry_bytes;
        const std::uint64_t tag = number(entry, 2), type = number(entry + 2, 2);
        // tag (2), type (2), count (4 or 8), then the value itself when it fits
        const unsigned char* value = entry + 4 + offset_bytes;
        const int value_bytes = type == 3 ? 2 : type == 4 ? 4 : type == 16 ? 8 : 0;
        if ((tag != 256 && tag != 257) || value_bytes == 0 || value_bytes > offset_bytes) continue;
        // Capped so that width * height cannot overflow; anything near it is refused anyway.
        const auto v = static_cast<std::int64_t>(
            std::min<std::uint64_t>(number(value, value_bytes), 1ull << 31));
        (tag == 256 ? size.width : size.height) = v;
      }
    }
    in.seekg(static_cast<std::streamoff>(offset + count_bytes + entries * entry_bytes));
    if (!in.read(reinterpret_cast<char*>(buf), offset_bytes))
      return make_error(Reason::kUnreadable, path.string() + ": TIFF directory is truncated");
    offset = number(buf, offset_bytes);
    pages.push_back(size);
  }
  if (pages.empty())
    return make_error(Reason::kUnreadable, path.string() + ": TIFF has no image directory");
  return pages;
}

// What giflib decodes for Leptonica: DGifSlurp reads every frame, each at the size its
// own image descriptor declares, whatever the logical screen says. The blocks are walked
// without decoding (sub-blocks skipped by their length bytes).
Result<ImageSize> gif_decoded_size(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Reason::kIo, path.string() + ": cannot open for reading");
  auto byte = [&]() -> int { return in.get(); };  // EOF is -1
  auto u16 = [&]() -> std::int64_t {
    const int lo = byte(), hi = byte();
    return lo < 0 || hi < 0 ? -1 : lo | (hi << 8);
  };
  auto skip_sub_blocks = [&]() {
    for (int n = byte(); n > 0; n = byte()) in.seekg(n, std::ios::cur);
  };
  in.seekg(6);  // "GIF87a" / "GIF89a"
  ImageSize size;
  size.width = u16();
  size.height = u16();
  const int packed = byte();
  if (size.width < 0 || size.height < 0 || packed < 0)
    return make_error(Reason::kUnreadable, path.string() + ": truncated GIF");
  in.seekg(2, std::ios::cur);                                           // background, aspect
  if (packed & 0x80) in.seekg(3 << ((packed & 7) + 1), std::ios::cur);  // global colours
  bool first = true;
  for (int block = byte(); block >= 0 && block != 0x3B && in; block = byte()) {
    if (block == 0x21) {  // extension: label, then sub-blocks
      byte();
      skip_sub_blocks();
    } else if (block == 0x2C) {  // image: left, top, width, height, flags
      in.seekg(4, std::ios::cur);
      const std::int64_t w = u16(), h = u16();
      const int flags = byte();
      if (w < 0 || h < 0 || flags < 0) break;
      if (flags & 0x80) in.seekg(3 << ((flags & 7) + 1), std::ios::cur);  // local colours
      byte();                                                             // LZW minimum code size
      skip_sub_blocks();
      // Leptonica's page is the first frame, at the frame's size when it differs.
      if (first) size.width = std::max(size.width, w), size.height = std::max(size.height, h);
      first = false;
      size.decoded_pixels += w * h;
      if (size.decoded_pixels > (std::int64_t{1} << 50)) break;  // refused anyway; no overflow
    } else {
      break;  // not GIF syntax: giflib stops here as well
    }
  }
  size.decoded_pixels = std::max(size.decoded_pixels, size.width * size.height);
  return size;
}

}  // namespace

Result<int> image_page_count(const std::filesystem::path& path, SourceFormat format) {
  silence();
  if (format != SourceFormat::kTiff) return 1;
  Result<std::vector<ImageSize>> pages = tiff_directories(path, 100000);
  if (!pages.ok()) return pages.error();
  return static_cast<int>(pages->size());
}

Result<ImageSize> image_page_size(const std::filesystem::path& path, SourceFormat format,
                                  int index) {
  silence();
  if (format == SourceFormat::kGif) {
    // Leptonica's header reader decodes the whole GIF; the blocks are enough to refuse a
    // decompression bomb: a 150 KB GIF with a 32 x 32 screen and one 20000 x 20000 frame
    // took 31 s and 970 MB before the size check (fuzz/loader_fuzzer).
    return gif_decoded_size(path);
  }
  if (format == SourceFormat::kTiff) {
    // Each page's own directory: a small first page followed by a huge one was decoded
    // in full before its size was known (a 1.5 MB file whose page 2 is 40000 x 40000
    // took 2.1 GB; fuzz/loader_fuzzer).
    Result<std::vector<ImageSize>> pages = tiff_directories(path, index);
    if (!pages.ok()) return pages.error();
    if (index < 0 || index >= static_cast<int>(pages->size()))
      return make_error(Reason::kUnreadable,
                        path.string() + ": no TIFF page " + std::to_string(index + 1));
    ImageSize size = (*pages)[static_cast<std::size_t>(index)];
    if (size.width < 0 || size.height < 0)
      return make_error(Reason::kUnreadable, path.string() + ": page " + std::to_string(index + 1) +
                                                 ": TIFF directory declares no image size");
    size.decoded_pixels = size.width * size.height;
    return size;
  }
  l_int32 iff = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
  if (pixReadHeader(path.c_str(), &iff, &w, &h, &bps, &spp, &cmap) != 0)
    return make_error(Reason::kUnreadable,
                      path.string() + ": image header is damaged or the format is not supported");
  return ImageSize{w, h, static_cast<std::int64_t>(w) * h};
}

Result<PageImage> read_image_page(const std::filesystem::path& path, SourceFormat format, int index,
                                  int fallback_dpi) {
  silence();
  PixPtr pix(format == SourceFormat::kTiff ? pixReadTiff(path.c_str(), index)
                                           : pixRead(path.c_str()));
  if (!pix)
    return make_error(Reason::kUnreadable, path.string() + ": page " + std::to_string(index + 1) +
                                               " cannot be decoded (damaged or truncated image)");
  Result<PageImage> image = from_pix(pix.get(), fallback_dpi);
  if (!image.ok())
    return make_error(image.error().reason, path.string() + ": " + image.error().message);
  return image;
}

Result<PageImage> decode_jpeg_grey(std::string_view bytes, int width, int height, int dpi) {
  silence();
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 w = 0, h = 0, spp = 0, ycck = 0, cmyk = 0;
  // The header first: the PDF's declared size was checked against the limits, the JPEG's
  // own is what would be decoded.
  if (readHeaderMemJpeg(data, bytes.size(), &w, &h, &spp, &ycck, &cmyk) != 0 || w != width ||
      h != height || cmyk || ycck || (spp != 1 && spp != 3))
    return make_error(Reason::kUnsupported, "embedded JPEG differs from what the PDF declares");
  l_int32 warnings = 0;
  // Luminance only: the chroma is never decoded, as OCR sees grey anyway.
  PixPtr pix(pixReadMemJpeg(data, bytes.size(), 0, 1, &warnings, L_JPEG_READ_LUMINANCE));
  if (!pix || pixGetWidth(pix.get()) != width || pixGetHeight(pix.get()) != height)
    return make_error(Reason::kUnreadable, "embedded JPEG cannot be decoded");
  Result<PageImage> image = from_pix(pix.get(), dpi);
  if (image.ok()) image->dpi = dpi;
  return image;
}

Result<PageImage> decode_g4(std::string_view bytes, int width, int height, bool black_is_1,
                            int dpi) {
  silence();
  // A minimal one-strip TIFF around the G4 data, so libtiff (through Leptonica) decodes
  // it. PDF's default (BlackIs1 false) is TIFF's min-is-white.
  std::string tiff("II*\0\x08\0\0\0", 8);
  const auto u16 = [&tiff](std::uint32_t v) {
    tiff.push_back(static_cast<char>(v & 0xff));
    tiff.push_back(static_cast<char>(v >> 8));
  };
  const auto u32 = [&](std::uint32_t v) {
    u16(v & 0xffff);
    u16(v >> 16);
  };
  const std::uint32_t entries = 9, data_offset = 8 + 2 + entries * 12 + 4;
  const auto entry = [&](std::uint16_t tag, std::uint16_t type, std::uint32_t value) {
    u16(tag);
    u16(type);
    u32(1);
    if (type == 3) {
      u16(value);
      u16(0);
    } else {
      u32(value);
    }
  };
  u16(entries);
  entry(256, 4, static_cast<std::uint32_t>(width));
  entry(257, 4, static_cast<std::uint32_t>(height));
  entry(258, 3, 1);                                   // bits per sample
  entry(259, 3, 4);                                   // CCITT group 4
  entry(262, 3, black_is_1 ? 1 : 0);                  // photometric
  entry(273, 4, data_offset);                         // strip offset
  entry(277, 3, 1);                                   // samples per pixel
  entry(278, 4, static_cast<std::uint32_t>(height));  // rows per strip
  entry(279, 4, static_cast<std::uint32_t>(bytes.size()));
  u32(0);  // no next directory
  tiff.append(bytes);
  PixPtr pix(pixReadMemTiff(reinterpret_cast<const l_uint8*>(tiff.data()), tiff.size(), 0));
  if (!pix || pixGetWidth(pix.get()) != width || pixGetHeight(pix.get()) != height ||
      pixGetDepth(pix.get()) != 1)
    return make_error(Reason::kUnreadable, "embedded CCITT G4 image cannot be decoded");
  Result<PageImage> image = from_pix(pix.get(), dpi);
  if (image.ok()) image->dpi = dpi;
  return image;
}

PageImage rotate_quarter_turns(const PageImage& image, int quarter_turns) {
  silence();
  const int quads = ((quarter_turns % 4) + 4) % 4;
  if (quads == 0) return image;
  PixPtr pix = to_pix(image);
  PixPtr rotated(pixRotateOrth(pix.get(), quads));
  PageImage out = from_pix(rotated.get(), image.dpi).value();
  out.bilevel = image.bilevel;
  return out;
}

PageImage rotate_degrees(const PageImage& image, double degrees) {
  constexpr double kPi = 3.14159265358979323846;
  return rotate_area_mapped(image, static_cast<float>(degrees * kPi / 180.0));
}

PageImage downscale_to(const PageImage& image, std::int64_t max_pixels) {
  silence();
  const double pixels = static_cast<double>(image.width) * image.height;
  if (pixels <= static_cast<double>(max_pixels)) return image;
  const double factor = std::sqrt(static_cast<double>(max_pixels) / pixels);
  PixPtr pix = to_pix(image);
  PixPtr scaled(
      pixScale(pix.get(), static_cast<l_float32>(factor), static_cast<l_float32>(factor)));
  PageImage out = from_pix(scaled.get(), image.dpi).value();
  out.dpi = std::max(1, static_cast<int>(std::lround(image.dpi * factor)));
  out.bilevel = image.bilevel;
  return out;
}

PageImage rescale_to_dpi(const PageImage& image, int dpi) {
  silence();
  if (image.dpi == dpi || image.dpi <= 0) return image;
  const auto factor = static_cast<l_float32>(static_cast<double>(dpi) / image.dpi);
  PixPtr pix = to_pix(image);
  PixPtr scaled(pixScale(pix.get(), factor, factor));
  if (!scaled) return image;
  PageImage out = from_pix(scaled.get(), dpi).value();
  out.dpi = dpi;
  out.bilevel = image.bilevel;
  return out;
}

PageImage scale_to_width(const PageImage& image, int width) {
  silence();
  if (image.empty() || width <= 0 || width == image.width) return image;
  const double factor = static_cast<double>(width) / image.width;
  const int height = std::max(1, static_cast<int>(std::lround(image.height * factor)));
  PixPtr pix = to_pix(image);
  PixPtr scaled(pixScaleToSize(pix.get(), width, height));
  if (!scaled) return image;
  const int dpi = std::max(1, static_cast<int>(std::lround(image.dpi * factor)));
  PageImage out = from_pix(scaled.get(), dpi).value();
  out.dpi = dpi;
  return out;
}

Result<std::string> encode_jpeg(const PageImage& image, int quality) {
  silence();
  PixPtr pix = to_pix(image);
  l_uint8* data = nullptr;
  size_t size = 0;
  if (!pix || pixWriteMemJpeg(&data, &size, pix.get(), std::clamp(quality, 1, 100), 0) != 0 ||
      !data)
    return make_error(Reason::kInternal, "a page image could not be encoded as JPEG");
  std::string bytes(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return bytes;
}

namespace {

// What is a border, not print. Found on a page at least kBorderMinPageInches on its short
// side (a crop of one line of print has letters cut by its edge, not borders); scaled by
// the page's DPI.
constexpr double kBorderMinPageInches = 2.0;
constexpr int kBorderDarkBelow = 128;
// A dark edge or lid shadow: a band along one edge, over at least half of its length and at
// most this share deep.
constexpr double kBandMinAlongEdge = 0.5;
constexpr double kBandMaxDepth = 0.15;
// A punched hole's shadow cut by the edge: round (a half or whole disc), 3 to 12 mm across.
constexpr double kHoleMinInches = 0.12, kHoleMaxInches = 0.5;
// Both are solid (this share of their box dark) with next to no paper enclosed: a banner
// with white print on it, a photograph, a dark logo all enclose their lighter parts.
constexpr double kBorderMinSolidity = 0.6;
constexpr double kBorderMaxEnclosed = 0.02;
// Scanned edges fade into the paper: the cleared region reaches this far past the dark part.
constexpr int kBorderFringePixels = 4;

struct Geometry {
  l_int32 x = 0, y = 0, w = 0, h = 0;
};

bool is_edge_band(const Geometry& g, int width, int height) {
  const bool top_or_bottom = g.y == 0 || g.y + g.h == height;
  const bool left_or_right = g.x == 0 || g.x + g.w == width;
  return (top_or_bottom && g.w >= kBandMinAlongEdge * width && g.h <= kBandMaxDepth * height) ||
         (left_or_right && g.h >= kBandMinAlongEdge * height && g.w <= kBandMaxDepth * width);
}

bool is_hole_shadow(const Geometry& g, double dpi) {
  const double low = kHoleMinInches * dpi, high = kHoleMaxInches * dpi;
  const double aspect = static_cast<double>(g.w) / std::max(1, g.h);
  return std::max(g.w, g.h) >= low && std::max(g.w, g.h) <= high && aspect >= 0.45 && aspect <= 2.2;
}

bool is_border(PIX* component, BOX* box, int width, int height, double dpi) {
  Geometry g;
  boxGetGeometry(box, &g.x, &g.y, &g.w, &g.h);
  if (!is_edge_band(g, width, height) && !is_hole_shadow(g, dpi)) return false;
  l_int32 dark = 0, filled = 0;
  pixCountPixels(component, &dark, nullptr);
  if (dark < kBorderMinSolidity * static_cast<double>(g.w) * g.h) return false;
  PixPtr holes_filled(pixHolesByFilling(component, 4));
  if (!holes_filled) return false;
  pixCountPixels(holes_filled.get(), &filled, nullptr);
  return filled - dark <= kBorderMaxEnclosed * dark;
}

// The median grey of the pixels outside `mask`: the paper, on any page that is mostly paper.
std::uint8_t paper_grey(const PageImage& image, PIX* mask) {
  std::array<std::int64_t, 256> histogram{};
  std::int64_t total = 0;
  const l_uint32* data = pixGetData(mask);
  const int wpl = pixGetWpl(mask);
  for (int y = 0; y < image.height; ++y) {
    const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    const std::uint8_t* row = &image.pixels[static_cast<std::size_t>(y) * image.width];
    for (int x = 0; x < image.width; ++x)
      if (!GET_DATA_BIT(line, x)) {
        ++histogram[row[x]];
        ++total;
      }
  }
  std::int64_t seen = 0;
  for (int v = 0; v < 256; ++v)
    if ((seen += histogram[static_cast<std::size_t>(v)]) * 2 >= total)
      return static_cast<std::uint8_t>(v);
  return 255;
}

}  // namespace

// Leptonica finds the dark regions connected to the edge (pixExtractBorderConnComps, a
// seed fill from the border) and splits them into components (pixConnComp); the bands and
// hole shadows among them (is_border) are grown by a few pixels over their fading edge and
// painted over.
std::int64_t clear_dark_borders(PageImage& image) {
  silence();
  if (image.empty() || std::min(image.width, image.height) <
                           kBorderMinPageInches * (image.dpi > 0 ? image.dpi : 300))
    return 0;
  PixPtr dark = to_binary(image, kBorderDarkBelow);
  PixPtr touching(dark ? pixExtractBorderConnComps(dark.get(), 8) : nullptr);
  l_int32 empty = 1;
  if (!touching || pixZero(touching.get(), &empty) != 0 || empty) return 0;
  PIXA* parts = nullptr;
  BOXA* boxes = pixConnComp(touching.get(), &parts, 8);
  const double dpi = image.dpi > 0 ? image.dpi : 300;
  PixPtr mask(pixCreate(image.width, image.height, 1));
  bool any = false;
  for (int i = 0; parts && i < pixaGetCount(parts); ++i) {
    PixPtr component(pixaGetPix(parts, i, L_CLONE));
    BOX* box = pixaGetBox(parts, i, L_CLONE);
    if (component && box && is_border(component.get(), box, image.width, image.height, dpi)) {
      l_int32 x = 0, y = 0, w = 0, h = 0;
      boxGetGeometry(box, &x, &y, &w, &h);
      pixRasterop(mask.get(), x, y, w, h, PIX_SRC | PIX_DST, component.get(), 0, 0);
      any = true;
    }
    boxDestroy(&box);
  }
  pixaDestroy(&parts);
  boxaDestroy(&boxes);
  if (!any) return 0;
  const int grow = 2 * kBorderFringePixels + 1;
  PixPtr grown(pixDilateBrick(nullptr, mask.get(), grow, grow));
  if (!grown) return 0;
  const std::uint8_t paper = paper_grey(image, grown.get());
  std::int64_t cleared = 0;
  const l_uint32* data = pixGetData(grown.get());
  const int wpl = pixGetWpl(grown.get());
  for (int y = 0; y < image.height; ++y) {
    const l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    std::uint8_t* row = &image.pixels[static_cast<std::size_t>(y) * image.width];
    for (int x = 0; x < image.width; ++x)
      if (GET_DATA_BIT(line, x)) {
        row[x] = paper;
        ++cleared;
      }
  }
  if (cleared > 0) image.bilevel = image.bilevel && (paper == 0 || paper == 255);
  return cleared;
}

SkewEstimate estimate_skew(const PageImage& image) {
  silence();
  PixPtr binary = to_binary(image, 160);
  SkewEstimate estimate;
  l_float32 angle = 0, conf = 0;
  if (binary && pixFindSkew(binary.get(), &angle, &conf) == 0) {
    estimate.degrees = angle;
    estimate.confidence = conf;
  }
  return estimate;
}

bool looks_upright(const PageImage& image) {
  silence();
  PixPtr binary = to_binary(image, 128);
  if (!binary) return false;
  // pixOrientDetect is tuned for 150-300 ppi; halve 300 DPI scans to save time.
  if (image.dpi > 200) binary.reset(pixReduceRankBinary2(binary.get(), 2, nullptr));
  if (!binary) return false;
  l_float32 up = 0, left = 0;
  l_int32 orientation = L_TEXT_ORIENT_UNKNOWN;
  if (pixOrientDetect(binary.get(), &up, &left, 0, 0) != 0) return false;
  if (makeOrientDecision(up, left, 0, 0, &orientation, 0) != 0) return false;
  return orientation == L_TEXT_ORIENT_UP;
}

double ink_fraction(const PageImage& image) {
  if (image.pixels.empty()) return 0;
  std::size_t dark = 0;
  for (std::uint8_t p : image.pixels) dark += p < 128;
  return static_cast<double>(dark) / static_cast<double>(image.pixels.size());
}

std::string leptonica_version() {
  char* v = getLeptonicaVersion();
  std::string version = v ? v : "leptonica";
  lept_free(v);
  return version;
}

}  // namespace pressarchive
