"""Payment providers as plugins: each implements :class:`~opendvc.payments.providers.base.PaymentProvider`
and registers by name; ``settings.PAYMENT_PROVIDERS`` chooses which an agency offers."""
