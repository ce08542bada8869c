// LOLWUT [VERSION version]: Redis's computer art. Redis 7.0 answers its
// version line; VERSION 5 draws Georg Nees's "Schotter" in braille
// characters, VERSION 6 a skyline in terminal grays. The pictures are random,
// as Redis's; their sizes, limits, captions and errors are Redis's.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "server/commands/families.h"
#include "server/commands/server_identity.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/random.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

// A grid of small colour values; drawing outside it is ignored.
class Canvas {
 public:
  Canvas(int width, int height, int background)
      : width_(width), height_(height), pixels_(static_cast<size_t>(width) * static_cast<size_t>(height), background) {}
  int width() const { return width_; }
  int height() const { return height_; }
  void set(int x, int y, int color) {
    if (x >= 0 && x < width_ && y >= 0 && y < height_) pixels_[static_cast<size_t>(x + y * width_)] = static_cast<char>(color);
  }
  int get(int x, int y) const {
    if (x < 0 || x >= width_ || y < 0 || y >= height_) return 0;
    return pixels_[static_cast<size_t>(x + y * width_)];
  }
  // Bresenham's line.
  void line(int x1, int y1, int x2, int y2, int color) {
    const int dx = std::abs(x2 - x1), dy = std::abs(y2 - y1);
    const int sx = x1 < x2 ? 1 : -1, sy = y1 < y2 ? 1 : -1;
    int err = dx - dy;
    for (;;) {
      set(x1, y1, color);
      if (x1 == x2 && y1 == y2) break;
      const int e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }
  // A square of side `size` centred on x,y and turned by `angle`: its corners
  // lie on a circle, a quarter turn apart.
  void square(int x, int y, float size, float angle, int color) {
    const float radius = std::round(size / 1.4142135623f);
    int px[4], py[4];
    float k = static_cast<float>(std::numbers::pi / 4) + angle;
    for (int j = 0; j < 4; ++j) {
      px[j] = static_cast<int>(std::round(std::sin(k) * radius + static_cast<float>(x)));
      py[j] = static_cast<int>(std::round(std::cos(k) * radius + static_cast<float>(y)));
      k += static_cast<float>(std::numbers::pi / 2);
    }
    for (int j = 0; j < 4; ++j) line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
  }

 private:
  int width_, height_;
  std::vector<char> pixels_;
};

float random_unit() { return static_cast<float>(core::random_u64() >> 40) / static_cast<float>((1u << 24) - 1); }
int random_below(int n) { return n <= 0 ? 0 : static_cast<int>(core::random_u64() % static_cast<uint64_t>(n)); }

// Schotter: rows of squares, turned and shifted more the lower they are.
Canvas schotter(int columns, int per_row, int per_column) {
  const int width = columns * 2;
  const int padding = width > 4 ? 2 : 0;
  const float side = static_cast<float>(width - padding * 2) / static_cast<float>(per_row);
  const int height = static_cast<int>(side * static_cast<float>(per_column)) + padding * 2;
  Canvas canvas(width, height, 0);
  for (int y = 0; y < per_column; ++y) {
    for (int x = 0; x < per_row; ++x) {
      int sx = static_cast<int>(static_cast<float>(x) * side + side / 2 + static_cast<float>(padding));
      int sy = static_cast<int>(static_cast<float>(y) * side + side / 2 + static_cast<float>(padding));
      float angle = 0;
      if (y > 1) {
        float r[3];
        for (float& v : r) v = random_unit() / static_cast<float>(per_column) * static_cast<float>(y);
        for (float& v : r)
          if (random_below(2)) v = -v;
        angle = r[0];
        sx += static_cast<int>(r[1] * side / 3);
        sy += static_cast<int>(r[2] * side / 3);
      }
      canvas.square(sx, sy, side, angle, 1);
    }
  }
  return canvas;
}

// Each 2x4 block of pixels as one braille character (U+2800 + dot bits).
std::string braille(const Canvas& canvas) {
  std::string text;
  for (int y = 0; y < canvas.height(); y += 4) {
    for (int x = 0; x < canvas.width(); x += 2) {
      int bits = 0;
      const int dots[8][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {0, 3}, {1, 3}};
      for (int i = 0; i < 8; ++i)
        if (canvas.get(x + dots[i][0], y + dots[i][1])) bits |= 1 << i;
      const int code = 0x2800 + bits;
      text += static_cast<char>(0xE0 | (code >> 12));
      text += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (code & 0x3F));
    }
    if (y != canvas.height() - 1) text += '\n';
  }
  return text;
}

struct Skyscraper {
  int xoff, width, height;
  bool windows;
  int color;
};

void skyscraper(Canvas& canvas, const Skyscraper& s) {
  const int bottom = canvas.height() - 1, top = bottom - s.height + 1;
  for (int y = bottom; y >= top; --y) {
    for (int x = s.xoff; x < s.xoff + s.width; ++x) {
      if (y == top && (x <= s.xoff + 1 || x >= s.xoff + s.width - 2)) continue;  // a narrower roof
      int color = s.color;
      if (s.windows && x > s.xoff + 1 && x < s.xoff + s.width - 2 && y > top + 1 && y < bottom - 1) {
        const int relx = x - (s.xoff + 1), rely = y - (top + 1);
        // Windows two pixels wide and one tall (terminal cells are tall).
        if ((relx / 2) % 2 && rely % 2) {
          do color = 1 + random_below(2);
          while (color == s.color);
          if (relx % 2) color = canvas.get(x - 1, y);
        }
      }
      canvas.set(x, y, color);
    }
  }
}

Canvas skyline(int columns, int rows) {
  Canvas canvas(columns, rows, 3);
  const int h = canvas.height();
  // Background towers without windows, the lighter gray behind.
  for (int color = 2; color >= 1; --color) {
    for (int offset = -10; offset < canvas.width();) {
      offset += random_below(8);
      Skyscraper s{offset, 10 + random_below(9), 0, false, color};
      s.height = h / 2 + (color == 2 ? random_below(h) / 2 : random_below(h) / 3);
      skyscraper(canvas, s);
      offset += color == 2 ? s.width / 2 : s.width + 1;
    }
  }
  for (int offset = -10; offset < canvas.width();) {
    offset += random_below(8);
    Skyscraper s{offset, 5 + random_below(14), 0, true, 0};
    if (s.width % 4) s.width += s.width % 3;
    s.height = h / 3 + random_below(h) / 2;
    skyscraper(canvas, s);
    offset += s.width + 5;
  }
  return canvas;
}

// The four grays as foreground and background colour escapes.
std::string grays(const Canvas& canvas) {
  static const char* const kColors[] = {"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"};
  std::string text;
  for (int y = 0; y < canvas.height(); ++y) {
    for (int x = 0; x < canvas.width(); ++x) {
      const int color = canvas.get(x, y);
      text += "\033[";
      text += kColors[color >= 0 && color < 4 ? color : 0];
      text += " \033[0m";
    }
    if (y != canvas.height() - 1) text += '\n';
  }
  return text;
}

// Optional integer arguments after the version choice (their defaults in
// `values`), each clamped to [1, its maximum] as Redis keeps LOLWUT cheap.
bool sizes_or_reply(CommandContext& ctx, size_t first, std::vector<int64_t>& values,
                    const std::vector<int64_t>& maxima) {
  for (size_t i = 0; i < values.size() && first + i < ctx.argc(); ++i)
    if (!core::int_or_reply(ctx, ctx.arg(first + i), values[i])) return false;
  for (size_t i = 0; i < values.size(); ++i) values[i] = std::clamp<int64_t>(values[i], 1, maxima[i]);
  return true;
}

// LOLWUT [VERSION version]
void lolwut(CommandContext& ctx) {
  std::string version(kCompatibleRedisVersion);
  size_t first = 1;  // where the chosen version's own arguments start
  if (ctx.argc() >= 3 && core::equals_ci(ctx.arg(1), "version")) {
    int64_t asked = 0;
    if (!core::int_or_reply(ctx, ctx.arg(2), asked)) return;
    version = std::to_string(static_cast<unsigned>(asked)) + ".0.0";
    first = 3;
  }
  const std::string caption_version(kCompatibleRedisVersion);
  if ((version[0] == '5' && version[1] == '.' && version[2] != '9') ||
      (version[0] == '4' && version[1] == '.' && version[2] == '9')) {
    std::vector<int64_t> v{66, 8, 12};  // columns, squares per row, squares per column
    if (!sizes_or_reply(ctx, first, v, {1000, 200, 200})) return;
    std::string text = braille(schotter(static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2])));
    text += "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. " + caption_version + "\n";
    return ctx.reply.verbatim(text);
  }
  if ((version[0] == '6' && version[1] == '.' && version[2] != '9') ||
      (version[0] == '5' && version[1] == '.' && version[2] == '9')) {
    std::vector<int64_t> v{80, 20};  // columns, rows
    if (!sizes_or_reply(ctx, first, v, {1000, 1000})) return;
    std::string text = grays(skyline(static_cast<int>(v[0]), static_cast<int>(v[1])));
    text += "\nDedicated to the 8 bit game developers of past and present.\n"
            "Original 8 bit image from Plaguemon by hikikomori. Redis ver. " +
            caption_version + "\n";
    return ctx.reply.verbatim(text);
  }
  ctx.reply.verbatim("Redis ver. " + caption_version + "\n");
}

}  // namespace

void register_lolwut_command(core::CommandTable& t) {
  using namespace core;
  t.add({"lolwut", -1, kReadonly | kFast, {}, lolwut, "server", "Display some computer art and the Redis version",
         "5.0.0", "", "[VERSION version:integer]"});
}

}  // namespace arbor::commands
