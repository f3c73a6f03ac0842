"""Listings: the shared catalogue of job postings imported from public sources.

`schemas` holds the value types every source adapter produces (`ListingRecord`, `ItemError`);
`normalize` turns the many shapes of the feeds into them; `categories` classifies a title.
"""
