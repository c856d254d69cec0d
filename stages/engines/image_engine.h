// The Leptonica facade: reading raster files and the pixel operations preprocessing
// needs. The only place that sees a Pix. Functions are thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "stages/core/model.h"
#include "stages/core/result.h"

namespace pressarchive {

// Number of pages (TIFF directories) in an image file; 1 for single-image formats.
Result<int> image_page_count(const std::filesystem::path& path, SourceFormat format);

// Pixel size of page `index` read from the header only, so absurd sizes are refused
// before anything is decoded.
struct ImageSize {
  std::int64_t width = 0;
  std::int64_t height = 0;
  // Pixels the decoder produces to read the page: width * height, except for a GIF,
  // whose every frame giflib decodes.
  std::int64_t decoded_pixels = 0;
};
Result<ImageSize> image_page_size(const std::filesystem::path& path, SourceFormat format,
                                  int index);

// Decodes page `index` (0-based) to 8-bit grey: colour by luminance, transparency
// flattened onto white, bilevel and palette images expanded. A missing resolution
// is taken as `fallback_dpi`.
Result<PageImage> read_image_page(const std::filesystem::path& path, SourceFormat format, int index,
                                  int fallback_dpi);

// Decode an image taken out of a PDF, which declared its size (already checked against
// the limits): a JPEG (only its luminance) and CCITT G4 data. Errors when the data does
// not decode to exactly that size.
Result<PageImage> decode_jpeg_grey(std::string_view bytes, int width, int height, int dpi);
Result<PageImage> decode_g4(std::string_view bytes, int width, int height, bool black_is_1,
                            int dpi);

// Scales the image to `dpi` (up or down), keeping its proportions.
PageImage rescale_to_dpi(const PageImage& image, int dpi);

// Rotates clockwise by a multiple of 90 degrees.
PageImage rotate_quarter_turns(const PageImage& image, int quarter_turns);

// Rotates clockwise by an arbitrary angle, bringing in white at the edges, with
// Leptonica's area mapping (area_map_rotation.h).
PageImage rotate_degrees(const PageImage& image, double degrees);

// Scales to `width` pixels wide (up or down), keeping the proportions; dpi is scaled along.
PageImage scale_to_width(const PageImage& image, int width);

// The page as a baseline greyscale JPEG (quality 1..100). The same page gives the same bytes.
Result<std::string> encode_jpeg(const PageImage& image, int quality);

// Scales so that width * height <= max_pixels (never up); dpi is scaled along.
PageImage downscale_to(const PageImage& image, std::int64_t max_pixels);

// Estimates how far the text lines are tilted, on a binarised copy. confidence is
// Leptonica's (roughly: above 3 means the estimate can be trusted).
struct SkewEstimate {
  double degrees = 0;
  double confidence = 0;
};
SkewEstimate estimate_skew(const PageImage& image);

// A cheap test (Leptonica's ascender/descender statistics on a binarised, reduced
// copy; a few tens of milliseconds) that is true only when the page is confidently
// upright text. Pages for which it is false deserve the costlier OSD.
bool looks_upright(const PageImage& image);

// Dark regions that touch the page's edge and are solid, not print: a scanner's dark edge
// or a lid shadow (a band along an edge), a punched hole's shadow cut by the edge (a disc
// of 3-12 mm); never anything that encloses lighter print (a banner, a photograph). They are set to
// the paper's grey (the median of the rest of the page), so OCR does not read them as a line of
// "EEE" or
// "|||". A page without one is left exactly as it was. Returns the pixels cleared.
std::int64_t clear_dark_borders(PageImage& image);

// Fraction of dark pixels (below mid-grey); a blank page has almost none.
double ink_fraction(const PageImage& image);

std::string leptonica_version();

}  // namespace pressarchive
