-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/constraint_missing_not_valid.rs (test adding_fk_err: squawk says err)
-- instead of
ALTER TABLE distributors ADD CONSTRAINT distfk FOREIGN KEY (address) REFERENCES addresses (address);
        
