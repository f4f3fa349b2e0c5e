-- A migration as it is often written. Try: pnpm exec ballast lint examples/sql
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();
CREATE INDEX orders_customer_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE orders ALTER COLUMN note SET NOT NULL;
UPDATE orders SET status = lower(status);
