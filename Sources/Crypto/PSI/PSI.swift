// Placeholder: this module is not implemented yet.
