//! `ephemeral "vonage_generated_secret"`: a fresh random value that meets Vonage's secret rule,
//! for `secret_wo` arguments. Being ephemeral, it never reaches plan or state; feed it to
//! another write-only argument (a secrets manager) to hand it to the applications that need it.
//!
//! Must not: call the API or log the value.

use async_trait::async_trait;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::framework::diagnostics::Diagnostics;
use crate::framework::ephemeral::EphemeralResource;
use crate::framework::operation::Ctx;
use crate::framework::schema::{Attribute, Block, Schema};

use crate::provider::ProviderData;
use crate::provider::secret_strength::{SECRET_MAX_LEN, SECRET_MIN_LEN, secret_strength};

pub struct GeneratedSecret;

#[derive(Serialize, Deserialize, Default)]
pub struct Model {
    pub length: Option<i64>,
    pub value: Option<String>,
}

const DEFAULT_LENGTH: i64 = 24;

/// A random secret of `len` characters that meets Vonage's rule (see `secret_rule`).
pub fn generate(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::rng();
    loop {
        let candidate: String = (0..len)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        if secret_strength(&candidate).is_ok() {
            return candidate;
        }
    }
}

#[async_trait]
impl EphemeralResource<ProviderData> for GeneratedSecret {
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "vonage_generated_secret"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "\
                Generates a random API secret that meets Vonage's rule, without storing it \
                anywhere. Use it for `secret_wo` and for the write-only argument of wherever your \
                applications read the secret from.",
            )
            .attribute(
                Attribute::int64("length")
                    .optional()
                    .computed()
                    .between(SECRET_MIN_LEN as i64, SECRET_MAX_LEN as i64)
                    .description(&format!(
                        "How many characters, {SECRET_MIN_LEN} to {SECRET_MAX_LEN}. Defaults to \
                        {DEFAULT_LENGTH}."
                    )),
            )
            .attribute(
                Attribute::string("value")
                    .computed()
                    .sensitive()
                    .description("The generated secret."),
            ),
        )
    }

    async fn open(
        &self,
        _ctx: &Ctx<'_, ProviderData>,
        config: Model,
    ) -> Result<Model, Diagnostics> {
        let length = config
            .length
            .unwrap_or(DEFAULT_LENGTH)
            .clamp(SECRET_MIN_LEN as i64, SECRET_MAX_LEN as i64);
        Ok(Model {
            length: Some(length),
            value: Some(generate(length as usize)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_always_meet_vonages_rule() {
        for len in SECRET_MIN_LEN..=SECRET_MAX_LEN {
            let s = generate(len);
            assert_eq!(s.chars().count(), len);
            assert!(secret_strength(&s).is_ok(), "{len}");
        }
        assert_ne!(generate(24), generate(24));
    }
}
