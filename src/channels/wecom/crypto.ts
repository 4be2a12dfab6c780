/** WeChat Work's callback envelope is the shared one (src/channels/envelopeCrypto.ts); its old names stay. */
export * from "../envelopeCrypto";
export { EnvelopeCryptoError as WecomCryptoError } from "../envelopeCrypto";
