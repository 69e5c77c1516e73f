//! PKCS#12 keystores (RFC 7292) as eHealth software reads them (app/certra/PROTOCOL.md §9).
//!
//! One password protects the file and every key. Entry `authentication` holds the eHealth
//! authentication key with [leaf, issuing CA]; the ETK decryption key sits under the decimal serial
//! of its encryption certificate with [encryption certificate, authentication certificate, issuing
//! CA]. [`Profile::Java`] writes what the Java Certificate Manager writes (JDK's legacy PKCS12:
//! 3DES key bags, RC2-40 certificate bags, HMAC-SHA1 MAC, 50 000 / 100 000 iterations) so that
//! Java 8 software reads it; [`Profile::Modern`] writes JDK 17's defaults (PBES2 with
//! PBKDF2-HMAC-SHA256 and AES-256-CBC, HMAC-SHA256 MAC).
//!
//! Reading accepts what keytool and OpenSSL write in either generation: the PKCS#12 PBE
//! algorithms (3DES, 2-key 3DES, RC2-40, RC2-128), PBES2 (PBKDF2 with HMAC-SHA1/SHA-2, AES or
//! 3DES), HMAC-SHA1/SHA-256/SHA-384/SHA-512 MACs, and unencrypted bags.

use cbc::cipher::{
    block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, InnerIvInit, KeyInit, KeyIvInit,
};
use der::{
    asn1::{Any, BmpString, ObjectIdentifier, OctetString, SetOfVec},
    oid::db::rfc5912,
    Decode, Encode, Sequence,
};
use hmac::{Hmac, Mac};
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use rand_core::CryptoRngCore;
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierOwned;
use x509_cert::{attr::Attribute, certificate::Certificate};
use zeroize::Zeroizing;

use crate::{
    cert::{self, UnixTime},
    dn,
    key::RsaKeyPair,
    PkiError, Result,
};

/// Alias of the eHealth authentication key (app/certra/PROTOCOL.md §9.3).
pub const AUTHENTICATION_ALIAS: &str = "authentication";

/// A keystore password. Zeroized on drop, never printed.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Self {
        Self(Zeroizing::new(password.into()))
    }

    /// The password's text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(redacted)")
    }
}

/// Which algorithms a written keystore uses.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Profile {
    /// What the Java Certificate Manager writes; read by Java 8 and by every later reader.
    Java,
    /// PBES2/AES-256 with an HMAC-SHA256 MAC; needs Java 8u301+ or OpenSSL 1.1+.
    Modern,
}

/// One private key with its certificate chain (leaf first).
#[derive(Clone)]
pub struct KeyEntry {
    /// The entry's name (PKCS#12 friendlyName).
    pub alias: String,
    /// The private key, PKCS#8 DER.
    pub key: Zeroizing<Vec<u8>>,
    /// DER certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
}

impl std::fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyEntry")
            .field("alias", &self.alias)
            .field("key", &"redacted")
            .field("chain", &format_args!("{} certificates", self.chain.len()))
            .finish()
    }
}

impl KeyEntry {
    /// The entry's key pair.
    pub fn key_pair(&self) -> Result<RsaKeyPair> {
        RsaKeyPair::from_pkcs8_der(&self.key)
    }

    /// The entry's leaf certificate.
    pub fn leaf(&self) -> Result<Certificate> {
        let der = self.chain.first().ok_or_else(|| {
            PkiError::WrongKeystore(format!("entry {} has no certificate", self.alias))
        })?;
        cert::decode(der)
    }
}

/// The key entries of a keystore, in file order.
#[derive(Clone, Debug, Default)]
pub struct Keystore {
    /// Entries, one per private key.
    pub entries: Vec<KeyEntry>,
    /// The profile a read file was written in, when it matches one of ours.
    pub profile: Option<Profile>,
}

impl Keystore {
    /// A pending keystore: the new authentication key under a placeholder certificate, to be
    /// saved *before* GenerateCertificate is sent so the key cannot be lost (app/PRODUCT.md §4).
    pub fn pending(authentication_key: &RsaKeyPair, now: UnixTime) -> Result<Self> {
        Ok(Self {
            entries: vec![KeyEntry {
                alias: AUTHENTICATION_ALIAS.to_owned(),
                key: authentication_key.to_pkcs8_der()?,
                chain: vec![cert::placeholder(authentication_key, now)?],
            }],
            profile: None,
        })
    }

    /// The entry named `alias`.
    pub fn entry(&self, alias: &str) -> Option<&KeyEntry> {
        self.entries.iter().find(|entry| entry.alias == alias)
    }

    /// The `authentication` entry, or a clear error for a keystore that has none.
    pub fn authentication(&self) -> Result<&KeyEntry> {
        self.entry(AUTHENTICATION_ALIAS).ok_or_else(|| {
            PkiError::WrongKeystore(
                "it has no \"authentication\" entry: not an eHealth keystore".into(),
            )
        })
    }

    /// Whether the authentication certificate is still the placeholder (request not completed).
    pub fn is_pending(&self) -> Result<bool> {
        Ok(cert::is_placeholder(&self.authentication()?.leaf()?))
    }

    /// Replaces the placeholder with the chain CertRA delivered (leaf first, root excluded,
    /// app/certra/PROTOCOL.md §3 GetCertificate). The leaf must certify this keystore's key.
    pub fn install_chain(&mut self, chain: Vec<Vec<u8>>) -> Result<()> {
        let leaf = cert::decode(
            chain
                .first()
                .ok_or_else(|| PkiError::Certificate("the delivered chain is empty".into()))?,
        )?;
        for der in &chain[1..] {
            cert::decode(der)?;
        }
        let entry =
            self.entries.iter_mut().find(|entry| entry.alias == AUTHENTICATION_ALIAS).ok_or_else(
                || PkiError::WrongKeystore("it has no \"authentication\" entry".into()),
            )?;
        let key = RsaKeyPair::from_pkcs8_der(&entry.key)?;
        if key.public_key_info()? != leaf.tbs_certificate.subject_public_key_info {
            return Err(PkiError::WrongKeystore(
                "the delivered certificate is for another key than this keystore's".into(),
            ));
        }
        entry.chain = chain;
        Ok(())
    }

    /// Adds the ETK decryption key under the decimal serial of its encryption certificate, with
    /// the chain [encryption certificate, authentication chain…] (app/certra/PROTOCOL.md §9.1). An entry
    /// of the same alias is replaced.
    pub fn add_etk_key(
        &mut self,
        etk_key: &RsaKeyPair,
        encryption_certificate: Vec<u8>,
    ) -> Result<String> {
        let certificate = cert::decode(&encryption_certificate)?;
        if etk_key.public_key_info()? != certificate.tbs_certificate.subject_public_key_info {
            return Err(PkiError::Certificate(
                "the encryption certificate is for another key".into(),
            ));
        }
        let authentication = self.authentication()?;
        if cert::is_placeholder(&authentication.leaf()?) {
            return Err(PkiError::WrongKeystore(
                "the authentication certificate is not installed yet".into(),
            ));
        }
        let alias = crate::etk::decimal(certificate.tbs_certificate.serial_number.as_bytes());
        let mut chain = vec![encryption_certificate];
        chain.extend(authentication.chain.iter().cloned());
        let entry = KeyEntry { alias: alias.clone(), key: etk_key.to_pkcs8_der()?, chain };
        self.entries.retain(|existing| existing.alias != alias);
        self.entries.push(entry);
        Ok(alias)
    }

    /// Writes the keystore as PKCS#12, every key and the file under `password`.
    pub fn write(
        &self,
        password: &Password,
        profile: Profile,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<u8>> {
        let mut key_bags = Vec::new();
        let mut cert_bags: Vec<(Vec<u8>, SafeBag)> = Vec::new();
        for entry in &self.entries {
            let leaf = entry.chain.first().ok_or_else(|| {
                PkiError::WrongKeystore(format!("entry {} has no certificate", entry.alias))
            })?;
            let local_key_id = local_key_id(leaf);
            let attributes =
                vec![friendly_name(&entry.alias)?, local_key_id_attribute(&local_key_id)?];
            let encrypted = encrypt_key(&entry.key, password, profile, rng)?;
            key_bags.push(SafeBag {
                bag_id: PKCS8_SHROUDED_KEY_BAG,
                bag_value: Any::encode_from(&encrypted)?,
                bag_attributes: Some(SetOfVec::try_from(attributes.clone())?),
            });
            for (position, der) in entry.chain.iter().enumerate() {
                let attributes = if position == 0 {
                    attributes.clone()
                } else {
                    vec![friendly_name(&dn::to_string(
                        &cert::decode(der)?.tbs_certificate.subject,
                    ))?]
                };
                let bag = SafeBag {
                    bag_id: CERT_BAG,
                    bag_value: Any::encode_from(&CertBag {
                        cert_id: X509_CERTIFICATE,
                        cert_value: OctetString::new(der.clone())?,
                    })?,
                    bag_attributes: Some(SetOfVec::try_from(attributes)?),
                };
                // A certificate in several chains is stored once; a leaf's attributes win.
                match cert_bags.iter_mut().find(|(existing, _)| existing == der) {
                    Some(slot) if position == 0 => slot.1 = bag,
                    Some(_) => {}
                    None => cert_bags.push((der.clone(), bag)),
                }
            }
        }
        let cert_contents =
            cert_bags.into_iter().map(|(_, bag)| bag).collect::<Vec<_>>().to_der()?;
        let (cert_algorithm, encrypted_certs) =
            encrypt(&cert_contents, password, profile.cert_cipher(), rng)?;
        let authenticated_safe = vec![
            ContentInfo {
                content_type: ENCRYPTED_DATA,
                content: Some(Any::encode_from(&EncryptedData {
                    version: 0,
                    encrypted_content_info: EncryptedContentInfo {
                        content_type: DATA,
                        content_encryption_algorithm: cert_algorithm,
                        encrypted_content: Some(OctetString::new(encrypted_certs)?),
                    },
                })?),
            },
            ContentInfo::data(key_bags.to_der()?)?,
        ];
        let authenticated_safe = authenticated_safe.to_der()?;
        let mac_digest = profile.mac_digest();
        let mut mac_salt = [0u8; 20];
        rng.fill_bytes(&mut mac_salt);
        let iterations = profile.mac_iterations();
        let mac = compute_mac(mac_digest, password, &mac_salt, iterations, &authenticated_safe)?;
        let pfx = Pfx {
            version: 3,
            auth_safe: ContentInfo::data(authenticated_safe)?,
            mac_data: Some(MacData {
                mac: DigestInfo {
                    digest_algorithm: AlgorithmIdentifierOwned {
                        oid: mac_digest.oid(),
                        parameters: Some(der::asn1::Null.into()),
                    },
                    digest: OctetString::new(mac)?,
                },
                mac_salt: OctetString::new(mac_salt.to_vec())?,
                iterations,
            }),
        };
        Ok(pfx.to_der()?)
    }

    /// Changes the password of a keystore file (F4): every entry and the file get `new`, the
    /// algorithms stay those the file had (the Java profile when they match neither of ours), and
    /// nothing else changes.
    pub fn change_password(
        bytes: &[u8],
        old: &Password,
        new: &Password,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<u8>> {
        let keystore = Self::read(bytes, old)?;
        keystore.write(new, keystore.profile.unwrap_or(Profile::Java), rng)
    }

    /// Reads a PKCS#12 file. A wrong password, a damaged file and a file that is not a keystore
    /// are told apart.
    pub fn read(bytes: &[u8], password: &Password) -> Result<Self> {
        let pfx = Pfx::from_der(bytes).map_err(|err| PkiError::NotAKeystore(err.to_string()))?;
        if pfx.version != 3 {
            return Err(PkiError::NotAKeystore(format!("PFX version {}", pfx.version)));
        }
        if pfx.auth_safe.content_type != DATA {
            return Err(PkiError::CorruptKeystore(
                "public-key integrity mode is not supported".into(),
            ));
        }
        let authenticated_safe = pfx.auth_safe.octets()?;
        let verified_by_mac = match &pfx.mac_data {
            Some(mac_data) => {
                verify_mac(mac_data, password, &authenticated_safe)?;
                true
            }
            None => false,
        };
        // Without a MAC, a failed decryption is the only sign of a wrong password.
        let decryption_failed = |what: &str| {
            if verified_by_mac {
                PkiError::CorruptKeystore(format!("{what} does not decrypt"))
            } else {
                PkiError::WrongPassword
            }
        };
        let contents = Vec::<ContentInfo>::from_der(&authenticated_safe).map_err(corrupt)?;
        let mut bags = Vec::new();
        let mut algorithms = Vec::new();
        let mut plain_certificates = false;
        for content in contents {
            let safe_contents = match content.content_type {
                oid if oid == DATA => content.octets()?,
                oid if oid == ENCRYPTED_DATA => {
                    let encrypted: EncryptedData = content.decode_content()?;
                    let info = encrypted.encrypted_content_info;
                    let ciphertext =
                        info.encrypted_content.map(OctetString::into_bytes).unwrap_or_default();
                    algorithms.push(info.content_encryption_algorithm.oid);
                    decrypt(&info.content_encryption_algorithm, password, &ciphertext)
                        .map_err(|_| decryption_failed("the certificate safe"))?
                        .to_vec()
                }
                other => {
                    return Err(PkiError::CorruptKeystore(format!(
                        "unsupported safe content type {other}"
                    )));
                }
            };
            let first_new = bags.len();
            collect_bags(&safe_contents, &mut bags, 0)?;
            if content.content_type == DATA
                && bags[first_new..].iter().any(|bag| bag.bag_id == CERT_BAG)
            {
                plain_certificates = true;
            }
        }

        let mut keys = Vec::new();
        let mut certificates = Vec::new();
        for bag in bags {
            let attributes = BagAttributes::of(&bag)?;
            match bag.bag_id {
                id if id == KEY_BAG => keys.push((bag.bag_value.to_der()?.into(), attributes)),
                id if id == PKCS8_SHROUDED_KEY_BAG => {
                    let encrypted: EncryptedPrivateKeyInfo =
                        bag.bag_value.decode_as().map_err(corrupt)?;
                    algorithms.push(encrypted.encryption_algorithm.oid);
                    let key = decrypt(
                        &encrypted.encryption_algorithm,
                        password,
                        encrypted.encrypted_data.as_bytes(),
                    )
                    .map_err(|_| decryption_failed("a private key"))?;
                    pkcs8::PrivateKeyInfo::from_der(&key)
                        .map_err(|_| decryption_failed("a private key"))?;
                    keys.push((key, attributes));
                }
                id if id == CERT_BAG => {
                    let cert_bag: CertBag = bag.bag_value.decode_as().map_err(corrupt)?;
                    if cert_bag.cert_id == X509_CERTIFICATE {
                        let der = cert_bag.cert_value.into_bytes();
                        let parsed = cert::decode(&der)?;
                        certificates.push((der, parsed, attributes));
                    }
                }
                // CRL and secret bags carry nothing an eHealth keystore needs.
                _ => {}
            }
        }

        let mut entries = Vec::new();
        for (key, attributes) in keys {
            let public = RsaKeyPair::from_pkcs8_der(&key)?.public_key_info()?;
            let leaf = certificates
                .iter()
                .position(|(_, _, cert_attributes)| {
                    attributes.local_key_id.is_some()
                        && cert_attributes.local_key_id == attributes.local_key_id
                })
                .or_else(|| {
                    certificates.iter().position(|(_, parsed, _)| {
                        parsed.tbs_certificate.subject_public_key_info == public
                    })
                })
                .ok_or_else(|| {
                    PkiError::CorruptKeystore("a private key has no certificate".into())
                })?;
            let alias = attributes
                .friendly_name
                .or_else(|| certificates[leaf].2.friendly_name.clone())
                .unwrap_or_default();
            let chain = build_chain(leaf, &certificates);
            entries.push(KeyEntry { alias, key, chain });
        }
        let mac = pfx.mac_data.as_ref().map(|mac_data| mac_data.mac.digest_algorithm.oid);
        // Unencrypted keys or certificates match neither profile.
        let profile = if algorithms.is_empty() || plain_certificates {
            None
        } else if mac == Some(rfc5912::ID_SHA_1)
            && algorithms.iter().all(|oid| [PBE_SHA1_3DES, PBE_SHA1_RC2_40].contains(oid))
        {
            Some(Profile::Java)
        } else if mac == Some(rfc5912::ID_SHA_256) && algorithms.iter().all(|oid| *oid == PBES2) {
            Some(Profile::Modern)
        } else {
            None
        };
        Ok(Self { entries, profile })
    }
}

impl Profile {
    fn key_cipher(self) -> Cipher {
        match self {
            Self::Java => Cipher::Pkcs12TripleDes,
            Self::Modern => Cipher::Pbes2Aes256,
        }
    }

    fn cert_cipher(self) -> Cipher {
        match self {
            Self::Java => Cipher::Pkcs12Rc2_40,
            Self::Modern => Cipher::Pbes2Aes256,
        }
    }

    fn mac_digest(self) -> MacDigest {
        match self {
            Self::Java => MacDigest::Sha1,
            Self::Modern => MacDigest::Sha256,
        }
    }

    /// JDK: 100 000 for the legacy MAC (app/certra/PROTOCOL.md §9.1), 10 000 for the modern one.
    fn mac_iterations(self) -> u32 {
        match self {
            Self::Java => 100_000,
            Self::Modern => 10_000,
        }
    }
}

/// Key bags: 50 000 iterations in the Java profile (app/certra/PROTOCOL.md §9.1), 10 000 in JDK 17's
/// PBES2 default.
fn cipher_iterations(cipher: Cipher) -> u32 {
    match cipher {
        Cipher::Pkcs12TripleDes | Cipher::Pkcs12Rc2_40 => 50_000,
        Cipher::Pbes2Aes256 => 10_000,
    }
}

#[derive(Clone, Copy)]
enum Cipher {
    Pkcs12TripleDes,
    Pkcs12Rc2_40,
    Pbes2Aes256,
}

fn encrypt_key(
    pkcs8: &[u8],
    password: &Password,
    profile: Profile,
    rng: &mut impl CryptoRngCore,
) -> Result<EncryptedPrivateKeyInfo> {
    let (encryption_algorithm, ciphertext) = encrypt(pkcs8, password, profile.key_cipher(), rng)?;
    Ok(EncryptedPrivateKeyInfo {
        encryption_algorithm,
        encrypted_data: OctetString::new(ciphertext)?,
    })
}

fn encrypt(
    plaintext: &[u8],
    password: &Password,
    cipher: Cipher,
    rng: &mut impl CryptoRngCore,
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>)> {
    let iterations = cipher_iterations(cipher);
    let mut salt = [0u8; 20];
    rng.fill_bytes(&mut salt);
    match cipher {
        Cipher::Pkcs12TripleDes | Cipher::Pkcs12Rc2_40 => {
            let oid = if matches!(cipher, Cipher::Pkcs12TripleDes) {
                PBE_SHA1_3DES
            } else {
                PBE_SHA1_RC2_40
            };
            let params = Pkcs12PbeParams { salt: OctetString::new(salt.to_vec())?, iterations };
            let algorithm =
                AlgorithmIdentifierOwned { oid, parameters: Some(Any::encode_from(&params)?) };
            let ciphertext =
                pkcs12_pbe(oid, password, &salt, iterations, plaintext, Direction::Encrypt)?;
            Ok((algorithm, ciphertext))
        }
        Cipher::Pbes2Aes256 => {
            let mut iv = [0u8; 16];
            rng.fill_bytes(&mut iv);
            let scheme: pkcs5::EncryptionScheme<'_> =
                pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(iterations, &salt, &iv)
                    .map_err(|err| PkiError::CorruptKeystore(err.to_string()))?
                    .into();
            let ciphertext = scheme
                .encrypt(password.expose().as_bytes(), plaintext)
                .map_err(|err| PkiError::CorruptKeystore(err.to_string()))?;
            Ok((AlgorithmIdentifierOwned::from_der(&scheme.to_der()?)?, ciphertext))
        }
    }
}

/// Decrypts with whatever algorithm the file names. An error here is "wrong password or damaged
/// data"; the caller decides which, from the MAC.
fn decrypt(
    algorithm: &AlgorithmIdentifierOwned,
    password: &Password,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    match algorithm.oid {
        oid @ (PBE_SHA1_3DES | PBE_SHA1_2DES | PBE_SHA1_RC2_128 | PBE_SHA1_RC2_40) => {
            let params: Pkcs12PbeParams = algorithm
                .parameters
                .as_ref()
                .ok_or_else(|| PkiError::CorruptKeystore("PBE parameters are missing".into()))?
                .decode_as()
                .map_err(corrupt)?;
            check_iterations(params.iterations)?;
            let plaintext = pkcs12_pbe(
                oid,
                password,
                params.salt.as_bytes(),
                params.iterations,
                ciphertext,
                Direction::Decrypt,
            )?;
            Ok(Zeroizing::new(plaintext))
        }
        PBES2 => {
            let der = algorithm.to_der()?;
            let scheme = pkcs5::EncryptionScheme::try_from(der.as_slice()).map_err(corrupt)?;
            if let Some(params) = scheme.pbes2() {
                if let pkcs5::pbes2::Kdf::Pbkdf2(pbkdf2) = &params.kdf {
                    check_iterations(pbkdf2.iteration_count)?;
                }
            }
            let plaintext = scheme
                .decrypt(password.expose().as_bytes(), ciphertext)
                .map_err(|err| PkiError::CorruptKeystore(err.to_string()))?;
            Ok(Zeroizing::new(plaintext))
        }
        other => {
            Err(PkiError::CorruptKeystore(format!("unsupported encryption algorithm {other}")))
        }
    }
}

#[derive(Clone, Copy)]
enum Direction {
    Encrypt,
    Decrypt,
}

/// The PKCS#12 password-based encryption schemes (RFC 7292 Appendix B and C): key and IV from
/// the PKCS#12 KDF with SHA-1 over the BMPString password.
fn pkcs12_pbe(
    oid: ObjectIdentifier,
    password: &Password,
    salt: &[u8],
    iterations: u32,
    data: &[u8],
    direction: Direction,
) -> Result<Vec<u8>> {
    let rounds = i32::try_from(iterations)
        .map_err(|_| PkiError::CorruptKeystore("iteration count".into()))?;
    let derive = |id, len| {
        derive_key_utf8::<Sha1>(password.expose(), salt, id, rounds, len)
            .map(Zeroizing::new)
            .map_err(|err| PkiError::CorruptKeystore(format!("password cannot be encoded: {err}")))
    };
    let iv = derive(Pkcs12KeyType::Iv, 8)?;
    let padding_error = |_| PkiError::CorruptKeystore("bad padding".into());
    match oid {
        PBE_SHA1_3DES | PBE_SHA1_2DES => {
            let key_len = if oid == PBE_SHA1_3DES { 24 } else { 16 };
            let mut key = derive(Pkcs12KeyType::EncryptionKey, key_len)?;
            if key_len == 16 {
                // Two-key 3DES is three-key 3DES with K3 = K1.
                let first = key[..8].to_vec();
                key.extend_from_slice(&first);
            }
            match direction {
                Direction::Encrypt => {
                    Ok(cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                        .map_err(|_| PkiError::CorruptKeystore("3DES key length".into()))?
                        .encrypt_padded_vec_mut::<Pkcs7>(data))
                }
                Direction::Decrypt => cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                    .map_err(|_| PkiError::CorruptKeystore("3DES key length".into()))?
                    .decrypt_padded_vec_mut::<Pkcs7>(data)
                    .map_err(padding_error),
            }
        }
        PBE_SHA1_RC2_40 | PBE_SHA1_RC2_128 => {
            let (key_len, effective_bits) =
                if oid == PBE_SHA1_RC2_40 { (5, 40) } else { (16, 128) };
            let key = derive(Pkcs12KeyType::EncryptionKey, key_len)?;
            let rc2 = rc2::Rc2::new_with_eff_key_len(&key, effective_bits);
            let iv = cbc::cipher::generic_array::GenericArray::from_slice(&iv);
            match direction {
                Direction::Encrypt => Ok(cbc::Encryptor::<rc2::Rc2>::inner_iv_init(rc2, iv)
                    .encrypt_padded_vec_mut::<Pkcs7>(data)),
                Direction::Decrypt => cbc::Decryptor::<rc2::Rc2>::inner_iv_init(rc2, iv)
                    .decrypt_padded_vec_mut::<Pkcs7>(data)
                    .map_err(padding_error),
            }
        }
        other => Err(PkiError::CorruptKeystore(format!("unsupported PBE {other}"))),
    }
}

#[derive(Clone, Copy)]
enum MacDigest {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl MacDigest {
    fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => rfc5912::ID_SHA_1,
            Self::Sha256 => rfc5912::ID_SHA_256,
            Self::Sha384 => rfc5912::ID_SHA_384,
            Self::Sha512 => rfc5912::ID_SHA_512,
        }
    }

    fn from_oid(oid: ObjectIdentifier) -> Result<Self> {
        Ok(match oid {
            rfc5912::ID_SHA_1 => Self::Sha1,
            rfc5912::ID_SHA_256 => Self::Sha256,
            rfc5912::ID_SHA_384 => Self::Sha384,
            rfc5912::ID_SHA_512 => Self::Sha512,
            other => {
                return Err(PkiError::CorruptKeystore(format!("unsupported MAC digest {other}")))
            }
        })
    }
}

/// HMAC over the authenticated safe, keyed by the PKCS#12 KDF (ID 3) with the MAC's own digest
/// (RFC 7292 Appendix B.4).
fn compute_mac(
    digest: MacDigest,
    password: &Password,
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Result<Vec<u8>> {
    let rounds = i32::try_from(iterations)
        .map_err(|_| PkiError::CorruptKeystore("MAC iteration count".into()))?;
    let encode_error =
        |err: der::Error| PkiError::CorruptKeystore(format!("password cannot be encoded: {err}"));
    macro_rules! hmac_with {
        ($digest:ty, $len:expr) => {{
            let key = Zeroizing::new(
                derive_key_utf8::<$digest>(
                    password.expose(),
                    salt,
                    Pkcs12KeyType::Mac,
                    rounds,
                    $len,
                )
                .map_err(encode_error)?,
            );
            let mut mac = <Hmac<$digest> as KeyInit>::new_from_slice(&key)
                .map_err(|_| PkiError::CorruptKeystore("MAC key".into()))?;
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }};
    }
    Ok(match digest {
        MacDigest::Sha1 => hmac_with!(Sha1, 20),
        MacDigest::Sha256 => hmac_with!(Sha256, 32),
        MacDigest::Sha384 => hmac_with!(Sha384, 48),
        MacDigest::Sha512 => hmac_with!(Sha512, 64),
    })
}

fn verify_mac(mac_data: &MacData, password: &Password, data: &[u8]) -> Result<()> {
    check_iterations(mac_data.iterations)?;
    let digest = MacDigest::from_oid(mac_data.mac.digest_algorithm.oid)?;
    let expected =
        compute_mac(digest, password, mac_data.mac_salt.as_bytes(), mac_data.iterations, data)?;
    // Not secret-dependent timing that matters here: the file is the attacker's own input.
    if expected.as_slice() == mac_data.mac.digest.as_bytes() {
        Ok(())
    } else {
        Err(PkiError::WrongPassword)
    }
}

/// A hostile file must not make us spin: real keystores use at most a few hundred thousand.
fn check_iterations(iterations: u32) -> Result<()> {
    if (1..=10_000_000).contains(&iterations) {
        Ok(())
    } else {
        Err(PkiError::CorruptKeystore(format!("{iterations} iterations")))
    }
}

fn collect_bags(safe_contents: &[u8], bags: &mut Vec<SafeBag>, depth: u8) -> Result<()> {
    if depth > 2 {
        return Err(PkiError::CorruptKeystore("safe contents nested too deeply".into()));
    }
    for bag in Vec::<SafeBag>::from_der(safe_contents).map_err(corrupt)? {
        if bag.bag_id == SAFE_CONTENTS_BAG {
            collect_bags(&bag.bag_value.to_der()?, bags, depth + 1)?;
        } else {
            bags.push(bag);
        }
    }
    Ok(())
}

/// Follows issuer names from the leaf. The ETK encryption certificate names the authentication
/// certificate's subject as both issuer and subject, so "issuer = subject" only ends the chain
/// when no other certificate carries that subject.
fn build_chain(
    leaf: usize,
    certificates: &[(Vec<u8>, Certificate, BagAttributes)],
) -> Vec<Vec<u8>> {
    let mut chain = vec![leaf];
    loop {
        let current = &certificates[chain[chain.len() - 1]].1.tbs_certificate;
        let next = certificates.iter().enumerate().position(|(index, (_, candidate, _))| {
            !chain.contains(&index) && candidate.tbs_certificate.subject == current.issuer
        });
        match next {
            Some(index) if chain.len() < 10 => chain.push(index),
            _ => break,
        }
    }
    chain.into_iter().map(|index| certificates[index].0.clone()).collect()
}

/// A keystore's localKeyID for an entry: SHA-1 of its leaf certificate, as OpenSSL writes it.
fn local_key_id(leaf: &[u8]) -> Vec<u8> {
    use sha1::Digest;
    Sha1::digest(leaf).to_vec()
}

fn friendly_name(name: &str) -> Result<Attribute> {
    let value = Any::encode_from(&BmpString::from_utf8(name)?)?;
    Ok(Attribute { oid: FRIENDLY_NAME, values: SetOfVec::try_from(vec![value])? })
}

fn local_key_id_attribute(id: &[u8]) -> Result<Attribute> {
    let value = Any::encode_from(&OctetString::new(id.to_vec())?)?;
    Ok(Attribute { oid: LOCAL_KEY_ID, values: SetOfVec::try_from(vec![value])? })
}

#[derive(Clone, Debug, Default)]
struct BagAttributes {
    friendly_name: Option<String>,
    local_key_id: Option<Vec<u8>>,
}

impl BagAttributes {
    fn of(bag: &SafeBag) -> Result<Self> {
        let mut found = Self::default();
        for attribute in bag.bag_attributes.iter().flat_map(|set| set.iter()) {
            let Some(value) = attribute.values.iter().next() else { continue };
            if attribute.oid == FRIENDLY_NAME {
                let name: BmpString = value.decode_as().map_err(corrupt)?;
                found.friendly_name = Some(name.to_string());
            } else if attribute.oid == LOCAL_KEY_ID {
                let id: OctetString = value.decode_as().map_err(corrupt)?;
                found.local_key_id = Some(id.into_bytes());
            }
        }
        Ok(found)
    }
}

fn corrupt(err: impl std::fmt::Display) -> PkiError {
    PkiError::CorruptKeystore(err.to_string())
}

// --- ASN.1 (RFC 7292 §4, RFC 5652 for ContentInfo/EncryptedData) ---------------------------------

/// ```text
/// PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
/// ```
#[derive(Sequence)]
struct Pfx {
    version: u8,
    auth_safe: ContentInfo,
    mac_data: Option<MacData>,
}

/// ```text
/// ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY OPTIONAL }
/// ```
#[derive(Sequence)]
struct ContentInfo {
    content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    content: Option<Any>,
}

impl ContentInfo {
    fn data(octets: Vec<u8>) -> Result<Self> {
        Ok(Self {
            content_type: DATA,
            content: Some(Any::encode_from(&OctetString::new(octets)?)?),
        })
    }

    fn octets(&self) -> Result<Vec<u8>> {
        let octets: OctetString = self.decode_content()?;
        Ok(octets.into_bytes())
    }

    fn decode_content<'a, T: der::Choice<'a> + der::DecodeValue<'a>>(&'a self) -> Result<T> {
        self.content
            .as_ref()
            .ok_or_else(|| PkiError::CorruptKeystore("a ContentInfo has no content".into()))?
            .decode_as()
            .map_err(corrupt)
    }
}

/// ```text
/// EncryptedData ::= SEQUENCE { version INTEGER, encryptedContentInfo EncryptedContentInfo }
/// ```
#[derive(Sequence)]
struct EncryptedData {
    version: u8,
    encrypted_content_info: EncryptedContentInfo,
}

/// ```text
/// EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm,
///     encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }
/// ```
#[derive(Sequence)]
struct EncryptedContentInfo {
    content_type: ObjectIdentifier,
    content_encryption_algorithm: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    encrypted_content: Option<OctetString>,
}

/// ```text
/// SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF Attribute OPTIONAL }
/// ```
#[derive(Clone, Sequence)]
struct SafeBag {
    bag_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    bag_value: Any,
    bag_attributes: Option<SetOfVec<Attribute>>,
}

/// ```text
/// CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }
/// ```
#[derive(Sequence)]
struct CertBag {
    cert_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    cert_value: OctetString,
}

/// ```text
/// EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
/// ```
#[derive(Sequence)]
struct EncryptedPrivateKeyInfo {
    encryption_algorithm: AlgorithmIdentifierOwned,
    encrypted_data: OctetString,
}

/// ```text
/// MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
/// ```
#[derive(Sequence)]
struct MacData {
    mac: DigestInfo,
    mac_salt: OctetString,
    #[asn1(default = "one")]
    iterations: u32,
}

fn one() -> u32 {
    1
}

/// ```text
/// DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }
/// ```
#[derive(Sequence)]
struct DigestInfo {
    digest_algorithm: AlgorithmIdentifierOwned,
    digest: OctetString,
}

/// ```text
/// pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
/// ```
#[derive(Sequence)]
struct Pkcs12PbeParams {
    salt: OctetString,
    iterations: u32,
}

const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const PKCS8_SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const SAFE_CONTENTS_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.6");
const X509_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const PBE_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
const PBE_SHA1_2DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.4");
const PBE_SHA1_RC2_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
const PBE_SHA1_RC2_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
