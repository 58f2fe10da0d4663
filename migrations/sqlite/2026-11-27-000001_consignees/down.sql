DROP TABLE consignees;
