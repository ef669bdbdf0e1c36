#pragma once
// The national "open.api" dialect (SPEC.md, "The platform interface"): POST /open.api with
// form fields appid, data, format=json, method, nonce, timestamp (yyyyMMddHHmmss), version=1.0,
// sign = sha256(lowercase("appid=..&data=..&format=json&method=..&nonce=..&timestamp=..&version=1.0&appsecret=SECRET")).
// Sensitive fields are AES-256-CBC/PKCS#7 with key = appsecret, IV = its first 16 characters, Base64.
//
// Replies are {"code": c, "message": m, "data": d} with HTTP 200 (405 for a non-POST).
//   0  success
//  -1  bad parameter: form, missing or malformed field, any field finding, unknown method,
//      unknown/referenced object missing (team, worker), malformed timestamp
//  -2  signature failed: sign mismatch, and REPLAY: a reused nonce or a timestamp outside the
//      replay window (a replayed request is a correctly signed request used twice, so it is
//      refused as a signature failure)
//  -3  no permission: unknown appid, a projectCode belonging to another appid
//  -4, -5  never produced here (the server's fault modes produce them)
//  -1 with HTTP 503 when the store cannot confirm a write in time (retry later)
//
// Methods and their data (* = required; batches are all-or-nothing: any finding rejects the
// whole request, and nothing of it is stored):
//   Project.Query          {pageIndex, pageSize} -> rows of this appid's project
//   Team.Add               {*projectCode, *teamName, corpCode, corpName, responsiblePersonName,
//                           responsiblePersonIdNumber (encrypted)} -> async result
//                           {"teamSysNo": "..."}; status 10 when the name exists in the project
//   Team.Query             {*projectCode, pageIndex, pageSize}
//   ProjectWorker.Add      {*projectCode, *teamSysNo, corpCode, corpName, *workerList[1..100] of
//                           {*workerName, *idCardType, *idCardNumber (enc), headImage (Base64
//                           JPEG/PNG), workType, isTeamLeader, ...}} -> async status 10 listing
//                           workers already in the project (the others are stored)
//   ProjectWorker.Update   {*projectCode, *idCardType, *idCardNumber (enc), teamSysNo,
//                           workerName, headImage, workType, isTeamLeader}
//   ProjectWorker.Query    {*projectCode, teamSysNo, idCardNumber (enc), pageIndex, pageSize<=100}
//                           -> rows with workerName, idCardType, idCardNumber (enc), teamSysNo,
//                           headImage (Base64), workType, isTeamLeader
//   WorkerAttendance.Add   {*projectCode, *teamSysNo, *dataList[1..500] of {*idCardType,
//                           *idCardNumber (enc), *date "yyyy-MM-dd HH:mm:ss" (not later than
//                           now + date_tolerance), *direction "01"/"02", image, channel,
//                           attendType, lng, lat}}; every person enrolled in the project
//   WorkerAttendance.Query {*projectCode, teamSysNo, date "yyyy-MM-dd", pageIndex, pageSize}
//   WorkerEntryExit.Add    {*projectCode, *teamSysNo, corpCode, corpName, *workerList[1..500] of
//                           {*idCardType, *idCardNumber (enc), *date "yyyy-MM-dd", *type 1 entry /
//                           0 exit, voucher}}
//   WorkerEntryExit.Query  {*projectCode, teamSysNo, pageIndex, pageSize}
//   AsyncHandleResult.Query {*requestSerialCode} -> {"status": 0|10|20, "result": text}
// Every write replies data {"requestSerialCode": s} once its records are durable; for
// WorkerAttendance.Add and WorkerEntryExit.Add data also has "duplicateCount". The async result
// of a successful write is a JSON text ({"successCount": n, "duplicateCount": d, ...}); it reads
// status 0 until config.async_delay has passed since the request.
// Query replies: data {"pageIndex", "pageSize", "rowTotal", "rows": [...]}; pageIndex from 0.
#include "simulator/platform/dialect.hpp"

namespace gaterig::platform {

class NationalDialect final : public Dialect {
 public:
  std::string_view name() const override { return "national"; }
  bool serves(std::string_view path) const override { return path == "/open.api"; }
  DialectReply handle(Exchange& exchange) override;
  // The form's method field, read raw: "*.Query" methods write nothing.
  bool may_block(const HttpRequest& request) const override;

  // The sign of a request as the platform computes it (lowercase hex).
  static std::string sign(std::string_view appid, std::string_view data, std::string_view format,
                          std::string_view method, std::string_view nonce,
                          std::string_view timestamp, std::string_view version,
                          std::string_view appsecret);
};

}  // namespace gaterig::platform
