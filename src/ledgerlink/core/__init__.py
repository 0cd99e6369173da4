"""Infrastructure shared by the apps, with no domain models: settings getters, clock, crypto, locks."""
