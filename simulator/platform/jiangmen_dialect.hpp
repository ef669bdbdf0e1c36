#pragma once
// The Jiangmen (Guangdong) REST dialect, smaller than the national one; it proves the dialect
// seam. POST /api/<Resource>/<Action> with a JSON body
//   {"token": t, "date": "yyyy-MM-dd HH:mm:ss", "sign": md5(token + key + date) lowercase hex,
//    "serverType": s, "requestJson": "<JSON text>" (an object is accepted too)}
// token and key (8 characters) are per project (jiangmen_token, jiangmen_key). ID numbers are
// DES-CBC, key = IV = the 8-character key, PKCS#5, Base64.
//
// Paths served:
//   /api/WorkerAttendance/Add  requestJson {"dataList": [records]} (or a bare array, or one record)
//       record {*identityCode (DES), *type 1 in / 0 out, *checkDate "yyyy-MM-dd HH:mm:ss" (not
//       later than the request's date), image (Base64 JPEG/PNG <= limit), attendType (default
//       "011"), channel, lng, lat}; the person must be enrolled in the project (through either
//       dialect); stored with direction "01"/"02" and the worker's team.
//       -> data {"successCount": n, "duplicateCount": d}
//   /api/ProjectWorker/Query   requestJson {teamSysNo, pageIndex, pageSize <= 100}
//       -> data {"pageIndex","pageSize","rowTotal","rows":[{name, identityCode (DES), teamSysNo,
//          headImage (Base64), workType}]}
// Replies {"code","message","data"}, codes as the national dialect: 0 ok, -1 bad parameter,
// -2 sign failed or replay (date outside the window, or the same body again: this dialect has
// no nonce, so an identical body inside the window is taken as a replay), -3 unknown token.
#include "simulator/platform/dialect.hpp"

namespace gaterig::platform {

class JiangmenDialect final : public Dialect {
 public:
  std::string_view name() const override { return "jiangmen"; }
  bool serves(std::string_view path) const override { return path.substr(0, 5) == "/api/"; }
  bool may_block(const HttpRequest& request) const override {
    const std::string_view target(request.target);
    const std::string_view path = target.substr(0, target.find('?'));
    return !(path.size() > 6 && path.substr(path.size() - 6) == "/Query");
  }
  DialectReply handle(Exchange& exchange) override;

  static std::string sign(std::string_view token, std::string_view key, std::string_view date);
};

}  // namespace gaterig::platform
