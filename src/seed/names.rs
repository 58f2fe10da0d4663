//! Plausible names, addresses and contacts for seeded consignees, drawn from a seeded generator.

use fastrand::Rng;

use crate::domain::corporate_number;

/// A word of a company name in kanji, katakana reading and English.
type Word = (&'static str, &'static str, &'static str);

const PLACES: &[Word] = &[
    ("日本", "ニホン", "Nihon"),
    ("東京", "トウキョウ", "Tokyo"),
    ("大阪", "オオサカ", "Osaka"),
    ("北斗", "ホクト", "Hokuto"),
    ("青葉", "アオバ", "Aoba"),
    ("富士", "フジ", "Fuji"),
    ("桜", "サクラ", "Sakura"),
    ("中央", "チュウオウ", "Chuo"),
    ("瀬戸内", "セトウチ", "Setouchi"),
    ("みらい", "ミライ", "Mirai"),
    ("港", "ミナト", "Minato"),
    ("東海", "トウカイ", "Tokai"),
    ("九州", "キュウシュウ", "Kyushu"),
    ("光", "ヒカリ", "Hikari"),
    ("若葉", "ワカバ", "Wakaba"),
];

const TRADES: &[Word] = &[
    ("データサービス", "データサービス", "Data Services"),
    ("物流", "ブツリュウ", "Logistics"),
    ("印刷", "インサツ", "Printing"),
    ("情報システム", "ジョウホウシステム", "Information Systems"),
    ("コールセンター", "コールセンター", "Call Center"),
    ("クラウド", "クラウド", "Cloud"),
    ("ビジネスサポート", "ビジネスサポート", "Business Support"),
    ("人材開発", "ジンザイカイハツ", "Human Development"),
    ("決済サービス", "ケッサイサービス", "Payment Services"),
    ("警備保障", "ケイビホショウ", "Security"),
    ("メディカル", "メディカル", "Medical"),
    ("ソリューションズ", "ソリューションズ", "Solutions"),
];

/// Overseas processors: legal name, country, city.
const ABROAD: &[(&str, &str, &str)] = &[
    ("Northwind Cloud Inc.", "US", "Seattle, WA"),
    ("Lumen Analytics Pte. Ltd.", "SG", "Singapore"),
    ("Harbour Mail Services Ltd.", "IE", "Dublin"),
    ("Kestrel Hosting GmbH", "DE", "Frankfurt am Main"),
    ("Maple Support Services Inc.", "CA", "Toronto, ON"),
];

const FAMILY: &[&str] =
    &["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"];
const GIVEN: &[&str] = &["一郎", "花子", "健太", "美咲", "大輔", "陽子", "翔", "由美", "誠", "恵"];
const WARDS: &[&str] = &[
    "東京都千代田区丸の内",
    "東京都港区芝浦",
    "大阪府大阪市北区梅田",
    "愛知県名古屋市中村区名駅",
    "福岡県福岡市博多区博多駅前",
    "宮城県仙台市青葉区中央",
    "北海道札幌市中央区北五条西",
];

/// A consignee's identity and contact, as the create body takes it.
pub struct Identity {
    pub legal_name: String,
    pub name_kana: Option<String>,
    pub name_en: Option<String>,
    pub corporate_number: Option<String>,
    pub country: &'static str,
    pub address: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

/// A person's name.
pub fn person(rng: &mut Rng) -> String {
    format!("{} {}", pick(rng, FAMILY), pick(rng, GIVEN))
}

/// The identity of the consignee numbered `n` (distinct corporate numbers for distinct `n`).
pub fn identity(rng: &mut Rng, seed: u64, n: u64) -> Identity {
    if rng.u8(..100) < 8 {
        return overseas(rng, n);
    }
    let (place, trade) = (pick(rng, PLACES), pick(rng, TRADES));
    let legal_name = match rng.bool() {
        true => format!("株式会社{}{}", place.0, trade.0),
        false => format!("{}{}株式会社", place.0, trade.0),
    };
    // 7919 is prime to 10¹², so distinct `n` under one seed give distinct numbers.
    let body = (n.wrapping_mul(7919).wrapping_add(seed.wrapping_mul(1_000_003))) % 1_000_000_000_000;
    Identity {
        legal_name,
        name_kana: Some(format!("{}{}", place.1, trade.1)),
        name_en: Some(format!("{} {} Co., Ltd.", place.2, trade.2)),
        corporate_number: Some(corporate_number::with_check_digit(body)),
        country: "JP",
        address: format!("{}{}-{}-{}", pick(rng, WARDS), rng.u8(1..6), rng.u8(1..30), rng.u8(1..20)),
        contact_name: person(rng),
        contact_email: format!("privacy{n}@{}.example.co.jp", place.2.to_lowercase()),
        contact_phone: format!("+81-{}-{:04}-{:04}", rng.u8(3..7), rng.u16(1000..9999), rng.u16(0..9999)),
    }
}

fn overseas(rng: &mut Rng, n: u64) -> Identity {
    let (name, country, city) = *pick(rng, ABROAD);
    Identity {
        legal_name: name.to_owned(),
        name_kana: None,
        name_en: Some(name.to_owned()),
        corporate_number: None,
        country,
        address: format!("{} {} Main Street, {city}", rng.u16(1..900), rng.u8(1..99)),
        contact_name: format!("Privacy Team {}", n % 97),
        contact_email: format!("dpo{n}@{}.example.com", name.split(' ').next().unwrap_or("vendor").to_lowercase()),
        contact_phone: format!("+1-555-{:04}", rng.u16(0..9999)),
    }
}

/// One element of `items`.
pub fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}
