#include "reports/report/pdf_renderer.hpp"

#ifdef GATERIG_REPORT_NO_PDF
#include <stdexcept>
namespace gaterig::report {
void render_pdf(const nlohmann::json&, const std::filesystem::path& out) {
  throw std::runtime_error(out.string() + ": this gaterig was built without cairo/pango (no PDF output)");
}
}  // namespace gaterig::report
#else
#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/report/figure.hpp"
#include "reports/report/labels.hpp"

namespace gaterig::report {
namespace {

using Json = nlohmann::json;

constexpr double kPageW = 595.28, kPageH = 841.89;  // A4 in points
constexpr double kMargin = 46, kTop = 64, kBottom = 56;
constexpr double kContentW = kPageW - 2 * kMargin;
const char* kFont = "Noto Sans CJK SC";
const char* kMono = "DejaVu Sans Mono";

std::string esc(const std::string& s) {
  std::unique_ptr<gchar, decltype(&g_free)> p(g_markup_escape_text(s.c_str(), static_cast<gssize>(s.size())), g_free);
  return p.get();
}
std::string esc(const Json& v) {
  if (v.is_null()) return "—";
  if (v.is_string()) return esc(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "yes 是" : "no 否";
  return esc(v.dump());
}
std::string small(const std::string& markup) { return "<span foreground=\"#555555\" size=\"smaller\">" + markup + "</span>"; }
std::string mono(const std::string& markup) { return "<span font_family=\"" + std::string(kMono) + "\" size=\"smaller\">" + markup + "</span>"; }
std::string verdict_markup(const std::string& v) {
  const char* color = v == "PASS" ? "#1b5e20" : v == "FAIL" ? "#b71c1c" : v == "ERROR" ? "#e65100" : "#37474f";
  const auto l = verdict_label(v);
  return "<span foreground=\"" + std::string(color) + "\" weight=\"bold\">" + esc(l.zh) + " " + esc(l.en) + "</span>";
}

void set_rgb(cairo_t* cr, const std::string& hex) {
  unsigned r = 0, g = 0, b = 0;
  if (hex.size() == 7 && std::sscanf(hex.c_str() + 1, "%02x%02x%02x", &r, &g, &b) == 3)
    cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
  else
    cairo_set_source_rgb(cr, 0, 0, 0);
}

struct Cell {
  std::string markup;
  std::string background;  // "" = none
};

// A page-flowing writer. Run twice: once to count pages (output discarded), once for real.
class Writer {
 public:
  Writer(cairo_surface_t* surface, std::string report_id, std::string lab, int total_pages)
      : cr_(cairo_create(surface)), id_(std::move(report_id)), lab_(std::move(lab)), total_(total_pages) {
    begin_page();
  }
  ~Writer() { cairo_destroy(cr_); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  int finish() {
    end_page();
    return page_;
  }

  void paragraph(const std::string& markup, double size = 9.5, double indent = 0, double after = 4) {
    PangoLayout* l = layout(markup, size, kContentW - indent);
    const double h = height(l);
    ensure(h);
    draw(l, kMargin + indent, y_);
    g_object_unref(l);
    y_ += h + after;
  }

  void heading(const std::string& markup, double size = 13) {
    ensure(size * 4.5);  // keep a heading with what follows it
    y_ += size * 0.5;
    PangoLayout* l = layout("<b>" + markup + "</b>", size, kContentW);
    const double h = height(l);
    draw(l, kMargin, y_);
    g_object_unref(l);
    y_ += h + 2;
    cairo_set_source_rgb(cr_, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr_, size > 12 ? 1.2 : 0.5);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kMargin + kContentW, y_);
    cairo_stroke(cr_);
    y_ += 5;
  }

  // Columns as fractions of the content width; the header row repeats on every page.
  void table(const std::vector<double>& widths, const std::vector<Cell>& header, const std::vector<std::vector<Cell>>& rows,
             double size = 8.5) {
    auto row_height = [&](const std::vector<Cell>& row) {
      double h = 0;
      for (std::size_t i = 0; i < row.size(); ++i) {
        PangoLayout* l = layout(row[i].markup, size, widths[i] * kContentW - 6);
        h = std::max(h, height(l));
        g_object_unref(l);
      }
      return h + 5;
    };
    auto draw_row = [&](const std::vector<Cell>& row, double h, bool is_header) {
      double x = kMargin;
      for (std::size_t i = 0; i < row.size(); ++i) {
        const double w = widths[i] * kContentW;
        if (is_header || !row[i].background.empty()) {
          set_rgb(cr_, is_header ? "#eef0f2" : row[i].background);
          cairo_rectangle(cr_, x, y_, w, h);
          cairo_fill(cr_);
        }
        cairo_set_source_rgb(cr_, 0.65, 0.65, 0.65);
        cairo_set_line_width(cr_, 0.5);
        cairo_rectangle(cr_, x, y_, w, h);
        cairo_stroke(cr_);
        PangoLayout* l = layout(is_header ? "<b>" + row[i].markup + "</b>" : row[i].markup, size, w - 6);
        draw(l, x + 3, y_ + 2.5);
        g_object_unref(l);
        x += w;
      }
      y_ += h;
    };
    const double hh = header.empty() ? 0 : row_height(header);
    bool need_header = !header.empty();
    for (const auto& row : rows) {
      const double h = row_height(row);
      if (y_ + h + (need_header ? hh : 0) > kPageH - kBottom) {
        new_page();
        need_header = !header.empty();
      }
      if (need_header) {
        draw_row(header, hh, true);
        need_header = false;
      }
      draw_row(row, h, false);
    }
    y_ += 8;
  }

  // Figures flow left to right and wrap, like inline blocks.
  void figures(const std::vector<Figure>& figs) {
    double x = kMargin, row_h = 0;
    for (const auto& f : figs) {
      const double scale = std::min(1.0, kContentW / f.width);
      const double w = f.width * scale;
      PangoLayout* cap = layout(small(esc(f.caption)), 7.5, w);
      const double h = f.height * scale + height(cap) + 8;
      if (x + w > kMargin + kContentW + 0.5) {
        y_ += row_h;
        x = kMargin;
        row_h = 0;
      }
      if (y_ + h > kPageH - kBottom) {
        new_page();
        x = kMargin;
        row_h = 0;
      }
      cairo_save(cr_);
      cairo_translate(cr_, x, y_);
      cairo_scale(cr_, scale, scale);
      draw_figure(f);
      cairo_restore(cr_);
      draw(cap, x, y_ + f.height * scale + 2);
      g_object_unref(cap);
      row_h = std::max(row_h, h);
      x += w + 10;
    }
    y_ += row_h + 4;
  }

  void space(double h) { y_ += h; }
  void ensure(double h) {
    if (y_ + h > kPageH - kBottom) new_page();
  }

 private:
  PangoLayout* layout(const std::string& markup, double size, double width) {
    PangoLayout* l = pango_cairo_create_layout(cr_);
    PangoFontDescription* fd = pango_font_description_from_string(kFont);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_markup(l, markup.c_str(), -1);
    return l;
  }
  static double height(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }
  void draw(PangoLayout* l, double x, double y) {
    cairo_set_source_rgb(cr_, 0.1, 0.1, 0.1);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l);
  }

  void draw_figure(const Figure& f) {
    for (const auto& m : f.marks) {
      switch (m.kind) {
        case Mark::Kind::polyline:
          if (m.points.empty() || m.stroke == "none") break;
          set_rgb(cr_, m.stroke);
          cairo_set_line_width(cr_, m.width);
          if (m.dashed) {
            const double d[] = {4, 3};
            cairo_set_dash(cr_, d, 2, 0);
          }
          cairo_move_to(cr_, m.points[0].x, m.points[0].y);
          for (std::size_t i = 1; i < m.points.size(); ++i) cairo_line_to(cr_, m.points[i].x, m.points[i].y);
          cairo_stroke(cr_);
          cairo_set_dash(cr_, nullptr, 0, 0);
          break;
        case Mark::Kind::rect:
          set_rgb(cr_, m.fill);
          cairo_rectangle(cr_, m.points[0].x, m.points[0].y, m.points[1].x, m.points[1].y);
          cairo_fill(cr_);
          break;
        case Mark::Kind::circle:
          set_rgb(cr_, m.fill);
          cairo_arc(cr_, m.points[0].x, m.points[0].y, m.size, 0, 2 * M_PI);
          cairo_fill(cr_);
          break;
        case Mark::Kind::text: {
          PangoLayout* l = layout(m.bold ? "<b>" + esc(m.text) + "</b>" : esc(m.text), m.size, -1);
          pango_layout_set_width(l, -1);
          int w = 0, h = 0;
          pango_layout_get_size(l, &w, &h);
          PangoLayoutIter* it = pango_layout_get_iter(l);
          const double baseline = static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
          pango_layout_iter_free(it);
          double x = m.points[0].x;
          const double tw = static_cast<double>(w) / PANGO_SCALE;
          if (m.anchor == Mark::Anchor::middle) x -= tw / 2;
          if (m.anchor == Mark::Anchor::end) x -= tw;
          set_rgb(cr_, m.fill == "none" ? "#222222" : m.fill);
          cairo_move_to(cr_, x, m.points[0].y - baseline);  // SVG's y is the baseline
          pango_cairo_show_layout(cr_, l);
          g_object_unref(l);
          break;
        }
      }
    }
  }

  void begin_page() {
    ++page_;
    y_ = kTop;
    PangoLayout* l = layout(small(esc(lab_)), 8, kContentW / 2);
    draw(l, kMargin, 28);
    g_object_unref(l);
    l = layout(small("检测报告 Test report  " + esc(id_)), 8, kContentW / 2);
    pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
    draw(l, kMargin + kContentW / 2, 28);
    g_object_unref(l);
    cairo_set_source_rgb(cr_, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, 42);
    cairo_line_to(cr_, kMargin + kContentW, 42);
    cairo_stroke(cr_);
  }
  void end_page() {
    const std::string n = std::to_string(page_), t = total_ > 0 ? std::to_string(total_) : "?";
    PangoLayout* l = layout(small("第 " + n + " 页 共 " + t + " 页  ·  page " + n + " of " + t), 8, kContentW);
    pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    draw(l, kMargin, kPageH - 36);
    g_object_unref(l);
    cairo_show_page(cr_);
  }
  void new_page() {
    end_page();
    begin_page();
  }

  cairo_t* cr_;
  std::string id_, lab_;
  int total_ = 0;
  int page_ = 0;
  double y_ = kTop;
};

Cell c(const std::string& markup) { return {markup, ""}; }
Cell hc(const std::string& zh, const std::string& en) { return {esc(zh) + "\n" + small(esc(en)), ""}; }
std::string both(const Label& l) { return (l.zh.empty() ? "" : esc(l.zh) + "\n") + small(esc(l.en)); }

void write(Writer& w, const Json& r) {
  const auto& rep = r["report"];
  const auto& t = r["terminal"];
  const auto& s = r["summary"];
  w.paragraph(esc(r["lab"]["name"]), 10);
  w.paragraph("<b>检测报告</b>  <span foreground=\"#555555\">Test report</span>", 22, 0, 2);
  w.paragraph("报告编号 Report No. <b>" + esc(rep["id"]) + "</b>     签发日期 Issued " + esc(rep["issued"]), 10);
  w.paragraph(esc(t["vendor"]) + " " + esc(t["model"]) + " · firmware " + esc(t["firmware_version"]) + " · " +
                  esc(r["standard"]["title"]),
              10, 0, 10);

  w.heading("检测结论 Result");
  w.paragraph(verdict_markup(s["verdict"].get<std::string>()), 20, 0, 4);
  w.paragraph(esc(s["statement"]["zh"]), 10.5, 0, 1);
  w.paragraph(esc(s["statement"]["en"]), 10.5, 0, 8);
  std::vector<std::vector<Cell>> rows;
  for (const auto& cl : r["clauses"]) {
    const auto v = cl["verdict"].get<std::string>();
    rows.push_back({c(esc(cl["id"])), c(esc(cl["title_zh"]) + "\n" + small(esc(cl["title"]))),
                    {verdict_markup(v), v == "PASS" ? "#e8f5e9" : v == "FAIL" ? "#fdecea" : v == "ERROR" ? "#fff3e0" : ""},
                    c(both(mode_label(cl["terminal_mode"].get<std::string>())))});
  }
  w.table({0.14, 0.36, 0.2, 0.3}, {hc("条款", "clause"), hc("名称", "title"), hc("结论", "verdict"), hc("终端模式", "terminal mode")},
          rows);

  w.heading("基本信息 General information");
  const auto& rig = r["rig"];
  const auto& fx = r["fixture_set"];
  const auto& run = r["run"];
  auto kv = [](const std::string& zh, const std::string& en, const std::string& v) {
    return std::vector<Cell>{c(esc(zh) + "\n" + small(esc(en))), c(v)};
  };
  w.table({0.26, 0.74}, {},
          {kv("报告编号", "report number", "<b>" + esc(rep["id"]) + "</b>"),
           kv("检测机构", "laboratory", esc(r["lab"]["name"]) + "\n" + esc(r["lab"]["address"]) + "\n" + esc(r["lab"]["accreditation"])),
           kv("依据标准", "standard", esc(r["standard"]["title"]) + " (" + esc(r["standard"]["id"]) + ", " + esc(r["standard"]["version"]) +
                                        ")\n" + small("profile sha256 ") + mono(esc(r["standard"]["sha256"]))),
           kv("检测日期", "tested", esc(r["dates"]["tested_from"]) + " — " + esc(r["dates"]["tested_to"])),
           kv("签发日期", "issued", esc(rep["issued"])),
           kv("制造商", "vendor", esc(t["vendor"])),
           kv("型号", "model", "<b>" + esc(t["model"]) + "</b>"),
           kv("固件版本", "firmware version", "<b>" + esc(t["firmware_version"]) + "</b>"),
           kv("固件哈希", "firmware hash (SHA-256)", mono(esc(t["firmware_hash"]))),
           kv("序列号", "serial number", esc(t["serial"])),
           kv("模拟终端配置", "simulated terminal profile", esc(t["profile"])),
           kv("检测台", "rig", esc(rig["name"]) + " (" + esc(rig["kind"]) + ") — " + esc(rig["description"]) + "\n" + small("sha256 ") +
                                  mono(esc(rig["sha256"]))),
           kv("光子时间 / 校准", "photon time / calibration",
              esc(rig["calibration"]["photon_method"]) + "; panel latency " + esc(rig["calibration"]["panel_latency_ms"]) +
                  " ms; calibration due " + esc(rig["calibration"]["due"])),
           kv("样本集", "fixture set", esc(fx["name"]) + " — " + esc(fx["source"]) + "\n" + esc(fx["persons"]) + " persons 人, " +
                                          esc(fx["impostors"]) + " impostors 冒用者, " + esc(fx["presentations"]) + " presentations 次呈现"),
           kv("检测运行", "run", mono(esc(run["id"])) + "\nseed " + esc(run["seed"]) + ", quick " + esc(run["quick"]) + ", resumed " +
                                    esc(run["resumed"]) + ", " + esc(run["gaterig_version"]) + "\n" + mono(esc(run["command"])))});

  w.heading("环境条件 Environment", 11);
  rows.clear();
  for (const auto& l : r["environment"]["lux"])
    rows.push_back({c(both(condition_label(l["condition"].get<std::string>()))), c(esc(format_value(l["lux"], "count")) + " lx"),
                    c(esc(l["at"]))});
  w.table({0.34, 0.3, 0.36}, {hc("条件", "condition"), hc("照度", "illuminance"), hc("读取时间", "read at")}, rows);
  w.paragraph("温度 temperature: " + (r["environment"]["temperature_c"].is_null() ? std::string("未记录 not recorded")
                                                                                  : esc(r["environment"]["temperature_c"]) + " °C"));

  w.heading("偏离 Deviations from the method");
  if (r["deviations"].empty()) w.paragraph("无 none");
  for (const auto& d : r["deviations"]) w.paragraph("• " + esc(d), 9.5, 8);

  w.heading("各条款检测结果 Results by clause");
  for (const auto& cl : r["clauses"]) {
    w.heading(esc(cl["id"]) + " " + esc(cl["title_zh"]) + " " + small(esc(cl["title"])) + "   " +
                  verdict_markup(cl["verdict"].get<std::string>()),
              11);
    if (!cl["method"].get<std::string>().empty()) w.paragraph("<b>方法 Method:</b> " + esc(cl["method"]));
    if (!cl["decision_rule"].get<std::string>().empty()) w.paragraph("<b>判定规则 Decision rule:</b> " + esc(cl["decision_rule"]));
    const auto ml = mode_label(cl["terminal_mode"].get<std::string>());
    w.paragraph("<b>终端模式 Terminal mode:</b> " + esc(ml.zh) + " / " + esc(ml.en));
    if (!cl["error"].is_null())
      w.paragraph("<span foreground=\"#e65100\"><b>检测异常 rig error:</b> " + esc(cl["error"]) + "</span>");
    if (!cl["trial_groups"].empty()) {
      rows.clear();
      for (const auto& g : cl["trial_groups"])
        rows.push_back({c(esc(g["id"])), c(esc(g["condition"])), c(esc(g["terminal_mode"])), c(esc(g["trials"])),
                        c(mono(esc(g["plan_seed"]) + ", " + esc(g["plan_sha256"].get<std::string>().substr(0, 16)) + "…"))});
      w.table({0.26, 0.16, 0.16, 0.12, 0.30},
              {hc("试验组", "trial group"), hc("条件", "condition"), hc("终端模式", "mode"), hc("次数", "trials"), hc("计划", "plan seed, sha256")},
              rows, 8);
    }
    if (!cl["measurements"].empty()) {
      rows.clear();
      for (const auto& m : cl["measurements"]) {
        const auto unit = m["unit"].get<std::string>();
        const auto v = m["verdict"].get<std::string>();
        std::string interval = esc(format_interval(m["interval"], unit, m["threshold"]));
        if (m["interval"].is_object()) interval += "\n" + small(esc(format_interval_method(m["interval"], unit, m["threshold"])));
        auto ml2 = measurement_label(m["name"].get<std::string>());
        if (m.contains("statistic")) ml2.en += " (" + m["statistic"].get<std::string>() + ")";
        rows.push_back({c(both(ml2)), c(both(condition_label(m["condition"].get<std::string>()))),
                        c("<b>" + esc(format_value_near(m["value"], unit, m["threshold"])) + "</b>"), c(interval),
                        c(esc(format_threshold(m["threshold"], unit))), c(esc(m["trials"])), c(esc(m["subjects"])),
                        {verdict_markup(v), v == "PASS" ? "#e8f5e9" : v == "FAIL" ? "#fdecea" : v == "NOT DEMONSTRABLE" ? "#fff3e0" : ""}});
      }
      w.table({0.2, 0.12, 0.11, 0.19, 0.1, 0.08, 0.07, 0.13},
              {hc("测量项", "measurement"), hc("条件", "condition"), hc("测量值", "measured"), hc("95 % 置信区间或界限", "95 % interval or bound"),
               hc("限值", "limit"), hc("次数", "trials"), hc("人数", "persons"), hc("结论", "verdict")},
              rows, 7.5);
    }
    for (const auto& d : cl["deviations"]) w.paragraph("<b>偏离 deviation:</b> " + esc(d), 9);
    for (const auto& n : cl["notes"]) w.paragraph("<b>说明 note:</b> " + esc(n), 9);
    const auto figs = clause_figures(cl);
    if (!figs.empty()) w.figures(figs);
    w.space(4);
  }

  w.heading("证据文件 Evidence");
  rows.clear();
  for (const auto& ev : r["evidence"]) {
    std::string what = esc(ev["what"]);
    if (ev["ids_masked_on_copy"].get<bool>()) what += "\n" + small("ID numbers masked in this copy");
    if (!ev["withheld"].is_null()) what += "\n" + small(esc(ev["withheld"]));
    rows.push_back({c(mono(esc(ev["path"]))), c(what), c(esc(ev["bytes"])), c(mono(esc(ev["sha256"])))});
  }
  w.table({0.28, 0.26, 0.1, 0.36}, {hc("文件", "file"), hc("内容", "content"), hc("字节", "bytes"), hc("SHA-256", "digest")}, rows, 8);

  w.heading("签名与隐私 Signature and privacy");
  w.table({0.26, 0.74}, {},
          {kv("签名", "signature",
              r["signing"].is_null() ? std::string("未签名 not signed")
                                     : esc(r["signing"]["algorithm"]) + ", key " + mono(esc(r["signing"]["key_fingerprint"])) +
                                           "\n" + small("verify: ") + mono("gaterig report verify &lt;folder&gt; --pubkey &lt;lab key&gt;.pub")),
           kv("身份证号", "ID numbers", esc(r["privacy"]["id_numbers"])),
           kv("人脸图像", "face images", esc(r["privacy"]["faces"])),
           kv("生成", "generated by", esc(rep["generator"]))});
  w.paragraph("<span foreground=\"#555555\">— 报告结束 end of report " + esc(rep["id"]) + " —</span>", 9);
}

cairo_status_t discard(void*, const unsigned char*, unsigned int) { return CAIRO_STATUS_SUCCESS; }

}  // namespace

void render_pdf(const Json& report, const std::filesystem::path& out) {
  const std::string id = report["report"]["id"].get<std::string>();
  const std::string lab = report["lab"]["name"].get<std::string>();
  int pages = 0;
  {  // pass 1: count the pages
    cairo_surface_t* s = cairo_pdf_surface_create_for_stream(discard, nullptr, kPageW, kPageH);
    {
      Writer w(s, id, lab, 0);
      write(w, report);
      pages = w.finish();
    }
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
  }
  cairo_surface_t* s = cairo_pdf_surface_create(out.c_str(), kPageW, kPageH);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    throw std::runtime_error(out.string() + ": cannot create the PDF");
  }
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, ("检测报告 Test report " + id).c_str());
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, report["report"]["generator"].get<std::string>().c_str());
  // The PDF's dates are the report's issue date, so rebuilding the same report gives the same file.
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, report["report"]["issued"].get<std::string>().c_str());
  {
    Writer w(s, id, lab, pages);
    write(w, report);
    w.finish();
  }
  cairo_surface_finish(s);
  const auto status = cairo_surface_status(s);
  cairo_surface_destroy(s);
  if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error(out.string() + ": writing the PDF failed: " + cairo_status_to_string(status));
}

}  // namespace gaterig::report
#endif  // GATERIG_REPORT_NO_PDF
