import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { I18nProvider } from "@/components/i18n/i18n-provider";
import { ToastProvider } from "@/components/ui/toast";
import { messagesFor, type Locale } from "@/lib/i18n";

/** Renders with the app's providers (toasts included); retries off so failures show at once. */
export function renderWithProviders(ui: ReactElement, { locale = "en" as Locale } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider locale={locale} messages={messagesFor(locale)}>
        <ToastProvider>{ui}</ToastProvider>
      </I18nProvider>
    </QueryClientProvider>,
  );
}
