#include "reports/report/ed25519.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/crypto.hpp"

namespace gaterig::report {
namespace {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct CtxFree { void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
struct BioFree { void operator()(BIO* p) const { BIO_free(p); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  if (!e) return "no OpenSSL error queued";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw KeyError(p.string() + ": cannot open the key file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

void write_exclusive(const std::filesystem::path& p, const std::string& text, mode_t mode) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw KeyError(p.string() + ": cannot create (" + std::strerror(errno) + "); an existing key is never replaced");
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw KeyError(p.string() + ": write failed (" + std::strerror(errno) + ")");
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, mode);  // umask may have narrowed or, for 0644, is irrelevant; the mode is stated
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

struct SigningKey::Handle {
  Pkey key;
};

SigningKey::SigningKey(std::unique_ptr<Handle> h) : h_(std::move(h)) {}
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

SigningKey SigningKey::generate() {
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_keygen(ctx.get(), &raw) <= 0)
    throw KeyError("generating an Ed25519 key: " + openssl_error());
  return SigningKey(std::make_unique<Handle>(Handle{Pkey(raw)}));
}

SigningKey SigningKey::load(const std::filesystem::path& pem) {
  const std::string text = read_text(pem);
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw KeyError(pem.string() + ": not a PEM private key (" + openssl_error() + ")");
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) throw KeyError(pem.string() + ": not an Ed25519 key");
  return SigningKey(std::make_unique<Handle>(Handle{std::move(key)}));
}

void SigningKey::save(const std::filesystem::path& pem) const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), h_->key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    throw KeyError("writing the private key as PEM: " + openssl_error());
  write_exclusive(pem, bio_text(bio.get()), 0600);
  write_exclusive(pem.string() + ".pub", public_key_pem(), 0644);
}

std::string SigningKey::public_key() const {
  std::string raw(32, '\0');
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(h_->key.get(), reinterpret_cast<unsigned char*>(raw.data()), &len) <= 0 || len != 32)
    throw KeyError("reading the Ed25519 public key: " + openssl_error());
  return raw;
}

std::string SigningKey::public_key_pem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PUBKEY(bio.get(), h_->key.get())) throw KeyError("writing the public key as PEM: " + openssl_error());
  return bio_text(bio.get());
}

std::string SigningKey::sign(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  std::string sig(64, '\0');
  std::size_t len = sig.size();
  if (!md || EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, h_->key.get()) <= 0 ||
      EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) <= 0 ||
      len != 64)
    throw KeyError("Ed25519 signing: " + openssl_error());
  return sig;
}

std::string key_fingerprint(std::string_view public_key_raw) {
  return "SHA256:" + crypto::sha256_hex(public_key_raw);
}

std::string load_public_key(const std::filesystem::path& pem) {
  const std::string text = read_text(pem);
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    ERR_clear_error();
    return SigningKey::load(pem).public_key();
  }
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) throw KeyError(pem.string() + ": not an Ed25519 public key");
  std::string raw(32, '\0');
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(raw.data()), &len) <= 0 || len != 32)
    throw KeyError(pem.string() + ": cannot read the raw public key (" + openssl_error() + ")");
  return raw;
}

bool verify_signature(std::string_view public_key_raw, std::string_view message, std::string_view signature) {
  if (public_key_raw.size() != 32 || signature.size() != 64) return false;
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(public_key_raw.data()), 32));
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  if (!key || !md || EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, key.get()) <= 0) {
    ERR_clear_error();
    return false;
  }
  const int ok = EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                  reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  return ok == 1;
}

}  // namespace gaterig::report
