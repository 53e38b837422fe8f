// Demo content seeded into an empty database: the seed page's article and ticker, then varied Arabic and French items.
import type { DemoArticle, DemoCategory, DemoPerson, DemoTicker } from './demo-content.types';

export const demoCategories: DemoCategory[] = [
  { slug: 'politique', nameAr: 'سياسة', nameFr: 'Politique' },
  { slug: 'societe', nameAr: 'مجتمع', nameFr: 'Société' },
  { slug: 'economie', nameAr: 'اقتصاد', nameFr: 'Économie' },
  { slug: 'culture', nameAr: 'ثقافة وفنون', nameFr: 'Culture' },
  { slug: 'sport', nameAr: 'رياضة', nameFr: 'Sport' },
  { slug: 'regions', nameAr: 'جهات', nameFr: 'Régions' },
];

// The minister and the two artists are real public figures (neutral facts only); the others are fictional.
export const demoPeople: DemoPerson[] = [
  {
    slug: 'awatif-hayar',
    nameAr: 'عواطف حيار',
    nameLatin: 'Aawatif Hayar',
    aliases: ['Awatif Hayar', 'حيار'],
    roleAr: 'وزيرة التضامن والإدماج الاجتماعي والأسرة',
    roleFr: 'Ministre de la Solidarité, de l\'Insertion sociale et de la Famille',
    bio: 'أكاديمية مغربية رأست جامعة الحسن الثاني بالدار البيضاء قبل تعيينها وزيرة للتضامن والإدماج الاجتماعي والأسرة سنة 2021.',
  },
  {
    slug: 'hatim-ammor',
    nameAr: 'حاتم عمور',
    nameLatin: 'Hatim Ammor',
    aliases: ['Hatim Amor', 'عمور'],
    roleAr: 'مغني مغربي',
    roleFr: 'Chanteur marocain',
    bio: 'مغني مغربي من أبرز أصوات الأغنية المغربية العصرية.',
  },
  {
    slug: 'sanaa-akroud',
    nameAr: 'سناء عكرود',
    nameLatin: 'Sanaa Akroud',
    aliases: ['Sanaa Akkroud', 'عكرود'],
    roleAr: 'ممثلة مغربية',
    roleFr: 'Actrice marocaine',
    bio: 'ممثلة مغربية عرفت بأدوارها في الدراما التلفزيونية والسينما المغربية.',
  },
  {
    slug: 'nadia-berrada',
    nameAr: 'نادية برادة',
    nameLatin: 'Nadia Berrada',
    aliases: ['برادة'],
    roleAr: 'خبيرة اقتصادية',
    roleFr: 'Économiste',
    bio: 'أستاذة جامعية في الاقتصاد تهتم بقضايا النمو والتشغيل والسياسات العمومية.',
  },
  {
    slug: 'omar-lahlou',
    nameAr: 'عمر لحلو',
    nameLatin: 'Omar Lahlou',
    aliases: ['لحلو'],
    roleAr: 'مدرب كرة قدم',
    roleFr: 'Entraîneur de football',
    bio: 'مدرب مغربي يشرف على فريق النجم الرياضي ويهتم بتكوين اللاعبين الشباب.',
  },
  {
    slug: 'khadija-el-amrani',
    nameAr: 'خديجة العمراني',
    nameLatin: 'Khadija El Amrani',
    aliases: ['Khadija Amrani', 'العمراني'],
    roleAr: 'نائبة رئيس مجلس جهة سوس-ماسة',
    roleFr: 'Vice-présidente du conseil régional de Souss-Massa',
    bio: 'منتخبة جهوية تتابع ملفات الفلاحة والماء والتنمية القروية.',
  },
  {
    slug: 'hamza-ouazzani',
    nameAr: 'حمزة الوزاني',
    nameLatin: 'Hamza Ouazzani',
    aliases: ['الوزاني'],
    roleAr: 'باحث في التراث الثقافي',
    roleFr: 'Chercheur en patrimoine culturel',
    bio: 'باحث مغربي متخصص في توثيق الحرف التقليدية والتراث المعماري.',
  },
  {
    slug: 'salma-cherkaoui',
    nameAr: 'سلمى الشرقاوي',
    nameLatin: 'Salma Cherkaoui',
    aliases: ['الشرقاوي'],
    roleAr: 'رئيسة جمعية للعمل الاجتماعي',
    roleFr: 'Présidente d\'une association d\'action sociale',
    bio: 'فاعلة جمعوية بمدينة القنيطرة تنشط في مجال رعاية الأشخاص المسنين.',
  },
  {
    slug: 'rachid-ait-ali',
    nameAr: 'رشيد أيت علي',
    nameLatin: 'Rachid Aït Ali',
    aliases: ['Rachid Ait Ali', 'أيت علي'],
    roleAr: 'رئيس تعاونية فلاحية',
    roleFr: 'Président de coopérative agricole',
    bio: 'فلاح من إقليم اشتوكة أيت باها يرأس تعاونية لإنتاج وتسويق زيت الأركان.',
  },
];

export const demoArticles: DemoArticle[] = [
  // 0: the seed page's article, verbatim.
  {
    title: 'دعت إلى اعتماد مخطط عمل اجتماعي مشترك.. حيار تعرض استراتيجية وزارتها للتشاور (فيديو)',
    summary: 'عرضت وزيرة التضامن والإدماج الاجتماعي والأسرة عواطف حيار الاستراتيجية القطاعية الجديدة 2021-2026 خلال لقاء تشاوري بجهة الرباط-سلا-القنيطرة، ودعت إلى اعتماد مخطط عمل اجتماعي مشترك لفائدة الجهة.',
    body: [
      { type: 'PARAGRAPH', text: 'ترأست عواطف حيار، وزيرة التضامن والإدماج الاجتماعي والأسرة، يوم أمس الخميس (3 فبراير)، لقاء تشاوريا جهويا بقاعة الاجتماعات بولاية جهة الرباط-سلا-القنيطرة، لتوضيح الاستراتيجية القطاعية الجديدة 2021-2026.' },
      { type: 'PARAGRAPH', text: 'وحسب بلاغ للوزارة، فإن هذا الاجتماع، جاء ليجيب على انتظارات الفاعلين على المستوى الترابي وإشراكهم في إغناء وتنفيذ برنامج عمل القطب الاجتماعي، وتقاسم مجالاته في تنزيل البرنامج الحكومي الجديد.' },
      { type: 'PARAGRAPH', text: 'وأوضح البلاغ ذاته، أن الوزارة ستعمل على تنزيل برنامجها الاجتماعي على المستوى الجهوي بعقد مشاورات مع رؤساء الجهات.' },
      { type: 'PARAGRAPH', text: 'وخلال الاجتماع المذكور، دعت وزيرة التضامن والإدماج الاجتماعي والأسرة عواطف حيار، إلى اعتماد مخطط عمل اجتماعي مشترك لفائدة جهة الرباط-سلا القنيطرة.' },
      { type: 'PARAGRAPH', text: 'وأكدت حيار، في كلمة لها خلال الجولة الـ11 من اللقاءات التشاورية جهوية حول مضامين الاستراتيجية الجديدة 2021-2026 لقطاع التضامن والإدماج الاجتماعي والأسرة، أن الجهة، وبالنظر لمؤهلاتها الاقتصادية والاجتماعية، تحتاج إلى المواكبة من أجل رفع بعض التحديات المطروحة في المجال الاجتماعي.' },
      { type: 'PARAGRAPH', text: 'وسجلت في هذا السياق، وجود فجوة كبيرة بين عدد المستفيدين من البرامج الاجتماعية في الجهة وبين المستحقين لها، مشيرة إلى أن الجهة تستفيد من مبلغ مالي قدره 50 مليون درهم مخصص لبرامج القطب الاجتماعي، لاسيما عبر التعاون الوطني أو من خلال وكالة التنمية الاجتماعية.' },
      { type: 'PARAGRAPH', text: 'وشددت الوزيرة على ضرورة توسيع قاعدة المستفيدين من هذه البرامج الاجتماعية، مقترحة إقامة شراكة ثلاثية الأطراف بين الوزارة والولاية ومجلس الجهة لسد هذه الفجوة، واعتماد الرقمنة كمحرك لتعزيز قاعدة بيانات مختلف الفاعلين.' },
      { type: 'PARAGRAPH', text: 'يذكر أن الوزيرة حيار أطلقت سلسلة اجتماعات جهوية، لتقديم برنامجها القطاعي في الشق الاجتماعي.' },
    ],
    lang: 'ar',
    publishedAt: '2022-02-04T18:00:00+01:00',
    hasVideo: true,
    categorySlug: 'politique',
    tags: ['التضامن', 'الحكومة'],
    personSlugs: ['awatif-hayar'],
    regionCodes: ['MA-04'],
  },
  // 1
  {
    title: 'Aawatif Hayar présente à Rabat la stratégie 2021-2026 du pôle social',
    kicker: 'Solidarité',
    body: [
      { type: 'PARAGRAPH', text: 'La ministre de la Solidarité, de l\'Insertion sociale et de la Famille, Aawatif Hayar, a présidé jeudi 3 février, au siège de la wilaya de la région de Rabat-Salé-Kénitra, une rencontre consultative régionale consacrée à la nouvelle stratégie sectorielle 2021-2026 de son département.' },
      { type: 'PARAGRAPH', text: 'Selon un communiqué du ministère, cette rencontre, onzième étape d\'une série de consultations régionales, vise à associer les acteurs territoriaux à l\'enrichissement et à la mise en œuvre du programme du pôle social.' },
      { type: 'PARAGRAPH', text: 'La ministre a appelé à l\'adoption d\'un plan d\'action social commun pour la région, qui bénéficie d\'une enveloppe de 50 millions de dirhams, et relevé un écart important entre le nombre de bénéficiaires des programmes sociaux et celui des ayants droit. Elle a proposé un partenariat tripartite entre le ministère, la wilaya et le conseil régional, ainsi que le recours au numérique.' },
    ],
    lang: 'fr',
    publishedAt: '2022-02-04T20:15:00+01:00',
    categorySlug: 'politique',
    tags: ['Solidarité', 'Gouvernement'],
    personSlugs: ['awatif-hayar'],
    regionCodes: ['MA-04', 'MA-RAB'],
  },
  // 2
  {
    title: 'في زيارة فنية إلى القاهرة.. حاتم عمور ضيفا على السفير المغربي بمصر (فيديو)',
    kicker: 'فن',
    body: [
      { type: 'PARAGRAPH', text: 'حل الفنان المغربي حاتم عمور ضيفا على سفارة المملكة المغربية بالقاهرة، على هامش زيارة فنية يقوم بها إلى جمهورية مصر العربية.' },
      { type: 'PARAGRAPH', text: 'وتناول اللقاء، الذي جرى في أجواء ودية، سبل تعزيز حضور الأغنية المغربية في الساحة الفنية العربية، إلى جانب آفاق التعاون الفني بين البلدين.' },
      { type: 'PARAGRAPH', text: 'وتأتي هذه الزيارة في إطار برنامج فني يلتقي خلاله عمور بعدد من الفنانين والمنتجين، إلى جانب أفراد من الجالية المغربية المقيمة بمصر.' },
    ],
    lang: 'ar',
    publishedAt: '2023-01-16T13:40:00+01:00',
    hasVideo: true,
    categorySlug: 'culture',
    tags: ['الفن', 'الجالية المغربية'],
    personSlugs: ['hatim-ammor'],
    regionCodes: [],
  },
  // 3
  {
    title: 'بعد سنوات من الاستقرار في كندا.. سناء عكرود تعود للعيش في المغرب',
    body: [
      { type: 'PARAGRAPH', text: 'قررت الممثلة المغربية سناء عكرود العودة للاستقرار في المغرب، بعد سنوات قضتها رفقة أسرتها في كندا.' },
      { type: 'PARAGRAPH', text: 'وتعد عكرود من الوجوه المعروفة في الدراما والسينما المغربية، إذ شاركت في عدد من الأعمال التلفزيونية والسينمائية التي لقيت متابعة واسعة لدى الجمهور.' },
      { type: 'PARAGRAPH', text: 'ويرتقب أن تتيح هذه العودة للفنانة التفرغ لمشاريع فنية جديدة داخل المغرب.' },
    ],
    lang: 'ar',
    publishedAt: '2023-02-07T10:15:00+01:00',
    categorySlug: 'culture',
    tags: ['الفن', 'السينما'],
    personSlugs: ['sanaa-akroud'],
    regionCodes: [],
  },
  // 4
  {
    title: 'إجراءات جديدة لحماية التراث المغربي من السطو والتقليد',
    kicker: 'وزارة الثقافة',
    body: [
      { type: 'PARAGRAPH', text: 'أعلنت وزارة الثقافة عن حزمة من الإجراءات الجديدة الرامية إلى تحصين التراث المغربي، المادي واللامادي، ضد محاولات السطو والنسب غير المشروع.' },
      { type: 'PARAGRAPH', text: 'وتشمل هذه الإجراءات تسريع جرد عناصر التراث وتوثيقها في قاعدة بيانات وطنية، وإعداد ملفات جديدة لدى الهيئات الدولية المختصة، إلى جانب تعزيز حماية الحرف التقليدية كالزليج الفاسي والقفطان المغربي.' },
      { type: 'PARAGRAPH', text: 'وفي هذا السياق، اعتبر الباحث في التراث الثقافي حمزة الوزاني أن التوثيق العلمي يبقى الضمانة الأولى لحماية الموروث، داعيا إلى إشراك الصناع التقليديين بفاس ومراكش في عملية الجرد.' },
    ],
    lang: 'ar',
    publishedAt: '2023-03-14T11:30:00+01:00',
    categorySlug: 'culture',
    tags: ['التراث', 'الثقافة'],
    personSlugs: ['hamza-ouazzani'],
    regionCodes: ['MA-03', 'MA-07'],
  },
  // 5
  {
    title: 'جازابلانكا.. فرقة UB40 البريطانية تحتفل بمرور 45 سنة على تأسيسها رفقة جمهور الدار البيضاء (فيديو)',
    body: [
      { type: 'PARAGRAPH', text: 'أحيت الفرقة البريطانية الشهيرة UB40 حفلا ضمن فعاليات مهرجان جازابلانكا بمدينة الدار البيضاء، احتفالا بمرور 45 سنة على تأسيسها.' },
      { type: 'PARAGRAPH', text: 'وقدمت الفرقة، التي تأسست في مدينة برمنغهام سنة 1978، باقة من أشهر أغانيها في موسيقى الريغي، وسط تفاعل كبير من الجمهور الذي حج بكثافة إلى منصة المهرجان.' },
      { type: 'PARAGRAPH', text: 'ويعد مهرجان جازابلانكا من أبرز المواعيد الموسيقية السنوية بالعاصمة الاقتصادية للمملكة، إذ يجمع فنانين مغاربة وأجانب من مختلف الأنماط الموسيقية.' },
    ],
    lang: 'ar',
    publishedAt: '2023-06-27T23:05:00+01:00',
    hasVideo: true,
    categorySlug: 'culture',
    tags: ['الفن', 'المهرجانات', 'جازابلانكا'],
    personSlugs: [],
    regionCodes: ['MA-CAS'],
  },
  // 6
  {
    title: 'القنيطرة.. افتتاح مركز جديد لاستقبال ورعاية الأشخاص المسنين',
    body: [
      { type: 'PARAGRAPH', text: 'افتتح بمدينة القنيطرة، اليوم الأربعاء، مركز جديد لاستقبال ورعاية الأشخاص المسنين، بطاقة استيعابية تبلغ 60 سريرا.' },
      { type: 'PARAGRAPH', text: 'ويقدم المركز، الذي تسيره جمعية محلية بشراكة مع التعاون الوطني، خدمات الإيواء والتغذية والمواكبة الطبية والنفسية لفائدة المسنين في وضعية هشاشة.' },
      { type: 'PARAGRAPH', text: 'وأكدت سلمى الشرقاوي، رئيسة الجمعية، أن المشروع يندرج في إطار تعزيز العرض الاجتماعي بإقليم القنيطرة، مشيرة إلى أن المركز سيفتح أبوابه أيضا أمام المتطوعين من شباب المدينة.' },
    ],
    lang: 'ar',
    publishedAt: '2022-01-12T16:00:00+01:00',
    categorySlug: 'societe',
    tags: ['التضامن', 'المجتمع المدني', 'الأشخاص المسنون'],
    personSlugs: ['salma-cherkaoui'],
    regionCodes: ['MA-KEN'],
  },
  // 7
  {
    title: 'Inflation : l\'économiste Nadia Berrada plaide pour un soutien ciblé aux ménages',
    body: [
      { type: 'PARAGRAPH', text: 'Invitée d\'une conférence organisée à Casablanca, l\'économiste Nadia Berrada est revenue sur l\'évolution des prix à la consommation et ses effets sur le pouvoir d\'achat des ménages.' },
      { type: 'PARAGRAPH', text: 'Selon elle, le ralentissement de l\'inflation observé ces derniers mois reste fragile, notamment en raison de la volatilité des prix de l\'énergie et des produits agricoles.' },
      { type: 'PARAGRAPH', text: 'Elle a plaidé pour des aides ciblées, adossées au registre social unifié, plutôt que pour des mesures générales jugées coûteuses pour les finances publiques.' },
    ],
    lang: 'fr',
    publishedAt: '2024-01-25T18:20:00+01:00',
    categorySlug: 'economie',
    tags: ['Économie', 'Inflation'],
    personSlugs: ['nadia-berrada'],
    regionCodes: ['MA-CAS'],
  },
  // 8
  {
    title: 'اشتوكة أيت باها.. تعاونيات الأركان تراهن على التسويق الرقمي لتوسيع أسواقها',
    body: [
      { type: 'PARAGRAPH', text: 'تراهن التعاونيات المنتجة لزيت الأركان بإقليم اشتوكة أيت باها على منصات البيع الإلكتروني لتوسيع قاعدة زبنائها داخل المغرب وخارجه.' },
      { type: 'PARAGRAPH', text: 'وأوضح رشيد أيت علي، رئيس إحدى التعاونيات الفلاحية بالإقليم، أن التكوين في مجال التسويق الرقمي مكن عددا من التعاونيات من الرفع من مبيعاتها خلال السنة الماضية.' },
      { type: 'PARAGRAPH', text: 'من جهتها، أكدت خديجة العمراني، نائبة رئيس مجلس جهة سوس-ماسة، أن المجلس سيواصل دعم التعاونيات عبر برامج التكوين والمواكبة، بالنظر إلى دور سلسلة الأركان في خلق فرص الشغل بالعالم القروي.' },
    ],
    lang: 'ar',
    publishedAt: '2024-05-14T09:45:00+01:00',
    categorySlug: 'economie',
    tags: ['الفلاحة', 'التعاونيات', 'الأركان'],
    personSlugs: ['rachid-ait-ali', 'khadija-el-amrani'],
    regionCodes: ['MA-CHT'],
  },
  // 9
  {
    title: 'معسكر إعدادي بأكادير.. المدرب عمر لحلو يراهن على الشباب في الموسم الجديد (فيديو)',
    kicker: 'البطولة',
    body: [
      { type: 'PARAGRAPH', text: 'حل فريق النجم الرياضي بمدينة أكادير لخوض معسكر إعدادي يمتد عشرة أيام، استعدادا لانطلاق منافسات الموسم الكروي الجديد.' },
      { type: 'PARAGRAPH', text: 'وأكد المدرب عمر لحلو أن المعسكر يهدف إلى تحسين الجاهزية البدنية للاعبين وإدماج عناصر شابة من مركز تكوين النادي في المجموعة الأولى.' },
      { type: 'PARAGRAPH', text: 'ويرتقب أن يخوض الفريق مباراتين وديتين خلال المعسكر، قبل العودة لاستكمال التحضيرات بملعبه.' },
    ],
    lang: 'ar',
    publishedAt: '2024-08-05T17:25:00+01:00',
    hasVideo: true,
    categorySlug: 'sport',
    tags: ['كرة القدم', 'البطولة'],
    personSlugs: ['omar-lahlou'],
    regionCodes: ['MA-AGD'],
  },
  // 10 (Ramadan 2025: Morocco on UTC+0)
  {
    title: 'سوس-ماسة.. مجلس الجهة يصادق على برنامج لترشيد استعمال مياه السقي',
    body: [
      { type: 'PARAGRAPH', text: 'صادق مجلس جهة سوس-ماسة، خلال دورته العادية لشهر مارس، على برنامج جهوي لترشيد استعمال مياه السقي ومواكبة الفلاحين في اعتماد تقنيات الري بالتنقيط.' },
      { type: 'PARAGRAPH', text: 'وأوضحت خديجة العمراني، نائبة رئيس المجلس، أن البرنامج يستهدف في مرحلته الأولى الضيعات الصغيرة والمتوسطة بعمالة أكادير إداوتنان والأقاليم المجاورة، في ظل توالي سنوات الجفاف.' },
      { type: 'PARAGRAPH', text: 'ويتضمن البرنامج أيضا حملات تحسيسية لفائدة الفلاحين حول أهمية الحفاظ على الفرشة المائية، بشراكة مع المصالح الجهوية المختصة.' },
    ],
    lang: 'ar',
    publishedAt: '2025-03-05T13:00:00+00:00',
    categorySlug: 'regions',
    tags: ['الماء', 'الفلاحة', 'الجفاف'],
    personSlugs: ['khadija-el-amrani'],
    regionCodes: ['MA-09', 'MA-AGD'],
  },
  // 11
  {
    title: 'Football : Omar Lahlou mise sur la formation des jeunes à Mohammedia',
    body: [
      { type: 'PARAGRAPH', text: 'L\'entraîneur Omar Lahlou a présenté mardi le nouveau projet de formation de son club, qui prévoit l\'ouverture d\'une académie pour les moins de 15 ans à Mohammedia.' },
      { type: 'PARAGRAPH', text: 'Le technicien souhaite intégrer progressivement les jeunes talents à l\'équipe première, tout en renforçant le suivi scolaire des pensionnaires.' },
      { type: 'QUOTE', text: '« Notre ambition est de former des joueurs complets, sur le terrain comme en dehors », a-t-il déclaré.' },
    ],
    lang: 'fr',
    publishedAt: '2025-06-10T19:00:00+01:00',
    categorySlug: 'sport',
    tags: ['Football', 'Formation'],
    personSlugs: ['omar-lahlou'],
    regionCodes: ['MA-06', 'MA-MOH'],
  },
  // 12: spelling variants for search demos (أ/إ/آ, ة, ى, Arabic-Indic digits).
  {
    title: 'خبيرة اقتصادية: آفاق إيجابية للنمو في ٢٠٢٦ رغم إكراهات الجفاف وتقلب الأسعار',
    body: [
      { type: 'PARAGRAPH', text: 'توقعت الخبيرة الاقتصادية نادية برادة أن يسجل الاقتصاد الوطني نسبة نمو تقارب ٣٫٥ في المائة سنة ٢٠٢٦، مدعوما بانتعاش الطلب الداخلي واستمرار الاستثمارات العمومية الكبرى.' },
      { type: 'PARAGRAPH', text: 'وأشارت برادة، خلال ندوة نظمت بالدار البيضاء، إلى أن إكراهات الجفاف وتقلب أسعار الطاقة في الأسواق الدولية تظل أبرز المخاطر التي قد تؤثر على مستوى النمو.' },
      { type: 'PARAGRAPH', text: 'ودعت الخبيرة إلى إيلاء أهمية أكبر للاقتصاد المائي وتنويع مصادر الدخل في العالم القروي، معتبرة أن الإصلاحات الجارية ستنعكس إيجابا على المقاولات الصغرى والمتوسطة.' },
    ],
    lang: 'ar',
    publishedAt: '2025-12-02T10:30:00+01:00',
    categorySlug: 'economie',
    tags: ['الاقتصاد', 'الجفاف', 'الاستثمار'],
    personSlugs: ['nadia-berrada'],
    regionCodes: ['MA-06'],
  },
  // 13
  {
    title: 'Oriental : un programme régional pour l\'emploi des jeunes lancé à Oujda',
    body: [
      { type: 'PARAGRAPH', text: 'Un programme régional destiné à favoriser l\'insertion professionnelle des jeunes a été lancé jeudi à Oujda, en présence d\'élus, de représentants du secteur privé et d\'associations locales.' },
      { type: 'PARAGRAPH', text: 'Il prévoit des formations courtes dans les métiers du numérique, de la logistique et des énergies renouvelables, ainsi qu\'un accompagnement des porteurs de projets.' },
      { type: 'PARAGRAPH', text: 'Pour l\'économiste Nadia Berrada, invitée à la cérémonie, la réussite du programme dépendra de son ancrage dans le tissu économique local et de la mobilisation des entreprises de la région.' },
    ],
    lang: 'fr',
    publishedAt: '2026-11-05T11:00:00+01:00',
    categorySlug: 'regions',
    tags: ['Emploi', 'Jeunes', 'Économie'],
    personSlugs: ['nadia-berrada'],
    regionCodes: ['MA-02', 'MA-OUJ'],
  },
];

export const demoTickers: DemoTicker[] = [
  // The seed page's ticker, verbatim.
  { headline: 'مصر.. حاتم عمور في ضيافة السفير المغربي', urgency: 3 },
  { headline: 'الإعدام لـ”ولد الفشوش” قاتل الشاب بدر.. آش قالو المغاربة؟', urgency: 1 },
  { headline: 'بعد مرور سنوات على استقرارها في كندا.. سناء عكرود تعود للعيش في المغرب', urgency: 3 },
  { headline: '“جازابلانكا”.. الفرقة البريطانية الشهيرة “UB40” تحتفل بعيد ميلادها ال45 رفقة جمهور البيضاء', urgency: 2, regionCode: 'MA-CAS' },
  { headline: 'إجراءات جديدة.. وزارة الثقافة تحصن التراث المغربي ضد السطو', urgency: 2 },
  // Invented items.
  { headline: 'حيار تعرض الاستراتيجية الجديدة لقطاع التضامن على الفاعلين بجهة الرباط-سلا-القنيطرة', urgency: 2, regionCode: 'MA-04', articleIndex: 0 },
  { headline: 'نشرة إنذارية: أمطار رعدية قوية مرتقبة بفاس ونواحيها', urgency: 1, regionCode: 'MA-FES' },
  { headline: 'Souss-Massa : le conseil régional adopte un programme d\'économie de l\'eau d\'irrigation', urgency: 3, regionCode: 'MA-09' },
];
