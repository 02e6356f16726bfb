// The translate function the audit page's pieces are handed (the page's own, in the reader's language).
import type { MessageKey, MessageParams } from "@/lib/i18n";

export type Translate = (key: MessageKey, params?: MessageParams) => string;
