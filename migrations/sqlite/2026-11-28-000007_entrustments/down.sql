DROP TABLE sub_consignments;
DROP TABLE entrustment_categories;
DROP TABLE entrustments;
DROP TABLE data_categories;
