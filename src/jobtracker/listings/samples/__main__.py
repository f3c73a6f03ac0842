"""`python -m jobtracker.listings.samples`: rewrite the sample feeds shipped here."""

from jobtracker.listings.samples import write_samples

write_samples()
