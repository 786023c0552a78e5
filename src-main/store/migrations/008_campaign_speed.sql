-- Freezing a campaign reads each contacted member's top recommended products: with the product in the index, those
-- are read from the index alone, without a visit to the table's row for each (a million-member campaign reads three
-- million). The primary key's own index stops at the rank.

CREATE INDEX recommendations_top_products ON recommendations (run_id, customer_id, rank, product_id);
