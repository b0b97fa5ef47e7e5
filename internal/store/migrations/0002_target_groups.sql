-- The target groups that come with the product (docs/domain.md §2.4); offices add their own.
INSERT INTO target_groups (code, name, name_en, builtin, position, created_at) VALUES
    ('children', '儿童', 'Children', TRUE, 1, CURRENT_TIMESTAMP),
    ('left_behind_children', '留守儿童', 'Left-behind children', TRUE, 2, CURRENT_TIMESTAMP),
    ('youth', '青少年', 'Youth', TRUE, 3, CURRENT_TIMESTAMP),
    ('elderly', '老年人', 'Elderly', TRUE, 4, CURRENT_TIMESTAMP),
    ('elderly_alone', '独居老人', 'Elderly living alone', TRUE, 5, CURRENT_TIMESTAMP),
    ('disabled', '残疾人', 'People with disabilities', TRUE, 6, CURRENT_TIMESTAMP),
    ('veterans', '退役军人', 'Veterans', TRUE, 7, CURRENT_TIMESTAMP),
    ('cancer_patients', '癌症患者', 'Cancer patients', TRUE, 8, CURRENT_TIMESTAMP),
    ('hardship', '困难群众', 'People in hardship', TRUE, 9, CURRENT_TIMESTAMP),
    ('migrants', '流动人口', 'Migrants', TRUE, 10, CURRENT_TIMESTAMP),
    ('women', '妇女', 'Women', TRUE, 11, CURRENT_TIMESTAMP);
