#pragma once
// Ed25519 keys and signatures through OpenSSL 3 EVP (RFC 8032, pure Ed25519: the message is
// signed as it is, no pre-hash). A lab key lives in a PKCS#8 PEM file readable by its owner only.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gaterig::report {

class KeyError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

class SigningKey {
 public:
  static SigningKey generate();
  // Reads a PKCS#8 PEM private key; throws KeyError naming the file when it is absent, not PEM or
  // not an Ed25519 key.
  static SigningKey load(const std::filesystem::path& pem);
  ~SigningKey();
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // Writes the private key (mode 0600, created exclusively: an existing file is never replaced)
  // and beside it `<file>.pub` (the public key, PEM, 0644).
  void save(const std::filesystem::path& pem) const;

  std::string public_key() const;      // 32 raw bytes
  std::string public_key_pem() const;
  std::string sign(std::string_view message) const;  // 64 raw bytes

 private:
  struct Handle;
  explicit SigningKey(std::unique_ptr<Handle> h);
  std::unique_ptr<Handle> h_;
};

// "SHA256:<64 hex>" of the 32 raw public-key bytes: what a report prints and a verifier compares.
std::string key_fingerprint(std::string_view public_key_raw);

// Reads a public key (PEM "PUBLIC KEY") or a private key (its public half) from a file.
std::string load_public_key(const std::filesystem::path& pem);

bool verify_signature(std::string_view public_key_raw, std::string_view message, std::string_view signature);

}  // namespace gaterig::report
